import warnings

import numpy as np
import pytest
from sklearn.mixture import BayesianGaussianMixture

from synthloom.data.mixture import bayesian_modes, kmeans_labels


def skewed_column(seed: int = 0, n: int = 3_000) -> np.ndarray:
    """Three overlapping groups of unequal weight and spread, as an income or a wait time has."""
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [rng.normal(0.0, 1.0, n // 2), rng.normal(4.0, 0.5, n // 3), rng.lognormal(2.0, 0.4, n // 6)]
    )


class StartedFrom(BayesianGaussianMixture):
    """scikit-learn's mixture, started from given clusters instead of its own k-means."""

    labels: np.ndarray

    def _initialize_parameters(self, X: np.ndarray, random_state: object, **_: object) -> None:
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), self.labels] = 1.0
        self._initialize(X, resp)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_start_reaches_scikit_learns_estimate(seed: int) -> None:
    x = skewed_column(seed)
    reference = StartedFrom(
        n_components=10,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001,
        max_iter=100,
    )
    reference.labels = kmeans_labels(x, 10, np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it may stop at 100 iterations, as ours does
        reference.fit(x.reshape(-1, 1))
    modes = bayesian_modes(x, 10, seed)
    np.testing.assert_allclose(modes.means, reference.means_[:, 0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(modes.variances, reference.covariances_[:, 0, 0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(modes.weights, reference.weights_, rtol=1e-9, atol=1e-12)


def test_finds_the_groups_of_a_clear_mixture() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-5.0, 1.0, 1_400), rng.normal(5.0, 0.5, 600)])
    modes = bayesian_modes(x, 10, seed=0)
    left = modes.means < 0
    np.testing.assert_allclose([modes.weights[left].sum(), modes.weights[~left].sum()], [0.7, 0.3], atol=0.01)
    heaviest = [np.flatnonzero(side)[modes.weights[side].argmax()] for side in (left, ~left)]
    assert modes.weights[heaviest].sum() > 0.9  # the prior leaves spare modes little weight
    np.testing.assert_allclose(modes.means[heaviest], [-5.0, 5.0], atol=0.15)
    np.testing.assert_allclose(np.sqrt(modes.variances[heaviest]), [1.0, 0.5], atol=0.15)


def test_a_seed_gives_the_same_modes_and_another_seed_another_start() -> None:
    x = skewed_column(4)
    first, again = bayesian_modes(x, 10, seed=5), bayesian_modes(x, 10, seed=5)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(
        kmeans_labels(x, 10, np.random.default_rng(5)), kmeans_labels(x, 10, np.random.default_rng(6))
    )


def test_kmeans_separates_distant_groups_and_handles_fewer_distinct_values_than_clusters() -> None:
    x = np.repeat([0.0, 10.0, 20.0], [50, 30, 20]) + np.random.default_rng(0).normal(0, 0.1, 100)
    labels = kmeans_labels(x, 3, np.random.default_rng(0))
    assert [len(set(labels[group])) for group in (slice(0, 50), slice(50, 80), slice(80, 100))] == [1, 1, 1]
    assert len(set(labels)) == 3
    two_values = np.repeat([1.0, 2.0], [7, 3])
    assert sorted(np.bincount(kmeans_labels(two_values, 2, np.random.default_rng(0)))) == [3, 7]
    modes = bayesian_modes(two_values, 2, seed=0)
    assert modes.means.min() < 1.5 < modes.means.max()  # the prior pulls both towards the mean, 1.3
