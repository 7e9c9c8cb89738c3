"""The modes of one numeric column: a variational Bayesian Gaussian mixture in one dimension.

This is the mixture CTGAN's mode-specific normalisation learns (scikit-learn's
``BayesianGaussianMixture`` with a Dirichlet-process weight prior of concentration 0.001, k-means start,
at most 100 iterations), written for a single column. The general estimator spends most of its time
validating inputs and handling covariance matrices a column does not have: on adult's six number
columns (5,000-value subsamples) it took 1.16 s, a sixth of a 100-epoch TVAE fit; this takes 0.2 s.
The updates are the usual ones for this prior (Bishop, *Pattern Recognition and Machine Learning*, 10.2;
Blei and Jordan 2006 for the stick-breaking weights); started from the same clusters, they reach
scikit-learn's estimate to rounding (``tests/data/test_mixture.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import betaln, digamma, gammaln

WEIGHT_CONCENTRATION = 0.001  # the Dirichlet process's concentration: few modes unless the data ask
MEAN_PRECISION = 1.0
VARIANCE_FLOOR = 1e-6  # added to every cluster's variance, as scikit-learn's reg_covar
MAX_ITERATIONS = 100
TOLERANCE = 1e-3  # on the change of the evidence lower bound (a sum over the values)
KMEANS_ITERATIONS = 300
# scikit-learn's floor under a cluster's count keeps empty clusters from dividing by zero
COUNT_FLOOR = 10 * np.finfo(np.float64).eps


class Modes(NamedTuple):
    """A mixture's modes: means, variances and weights (each of shape (K,))."""

    means: np.ndarray
    variances: np.ndarray
    weights: np.ndarray


def bayesian_modes(values: np.ndarray, n_modes: int, seed: int) -> Modes:
    """The variational posterior's modes of ``values`` (1-D, at least ``n_modes`` distinct values).

    Started from a k-means clustering (k-means++ seeding from ``seed``); the result is deterministic
    for a seed. Weights of unneeded modes shrink towards zero rather than disappear.
    """
    x = np.asarray(values, dtype=np.float64)
    labels = kmeans_labels(x, n_modes, np.random.default_rng(seed))
    # (K, N): reductions over the modes then run along contiguous rows, several times faster than (N, K)
    resp = (labels == np.arange(n_modes)[:, None]).astype(np.float64)
    prior = _Prior(mean=float(x.mean()), variance=float(np.var(x, ddof=1)) if x.size > 1 else 0.0)
    posterior = prior.update(x, resp)
    bound = -np.inf
    for _ in range(MAX_ITERATIONS):
        log_resp = posterior.log_responsibilities(x)
        resp = np.exp(log_resp)
        posterior = prior.update(x, resp)
        previous, bound = bound, posterior.lower_bound(resp, log_resp)
        if abs(bound - previous) < TOLERANCE:
            break
    return posterior.modes()


class _Prior:
    """The conjugate priors: Normal-Wishart on each mode, stick-breaking on the weights."""

    def __init__(self, mean: float, variance: float) -> None:
        self.mean, self.variance = mean, variance
        self.degrees = 1.0  # the Wishart's degrees of freedom: the dimension, one

    def update(self, x: np.ndarray, resp: np.ndarray) -> _Posterior:
        """The posterior given soft assignments ``resp`` (K, N)."""
        counts = resp.sum(axis=1) + COUNT_FLOOR
        centres = (resp @ x) / counts
        spreads = (resp * (x - centres[:, None]) ** 2).sum(axis=1) / counts + VARIANCE_FLOOR
        # stick-breaking: a mode's stick is its count, what is left of it the counts of the modes after it
        after = np.concatenate([np.cumsum(counts[::-1])[-2::-1], [0.0]])
        precision = MEAN_PRECISION + counts
        means = (MEAN_PRECISION * self.mean + counts * centres) / precision
        degrees = self.degrees + counts
        shift = counts * MEAN_PRECISION / precision * (centres - self.mean) ** 2  # the prior mean's pull
        scatter = self.variance + counts * spreads + shift
        sticks = (1.0 + counts, WEIGHT_CONCENTRATION + after)
        return _Posterior(*sticks, precision, means, degrees, scatter / degrees)


class _Posterior:
    """Variational factors: Beta sticks (a, b); per mode a Normal-Wishart (precision, means, degrees,
    covariances as scikit-learn's ``covariances_``, the scale matrix's inverse over the degrees)."""

    def __init__(
        self,
        a: np.ndarray,
        b: np.ndarray,
        precision: np.ndarray,
        means: np.ndarray,
        degrees: np.ndarray,
        covariances: np.ndarray,
    ) -> None:
        self.a, self.b, self.precision, self.means = a, b, precision, means
        self.degrees, self.covariances = degrees, covariances

    def log_responsibilities(self, x: np.ndarray) -> np.ndarray:
        """Each value's log responsibility per mode (K, N)."""
        # E[log pi_k] under the sticks: E[log v_k] + sum over earlier sticks of E[log(1 - v_j)]
        total = digamma(self.a + self.b)
        log_broken = digamma(self.b) - total
        log_weights = digamma(self.a) - total + np.concatenate([[0.0], np.cumsum(log_broken)[:-1]])
        # E[log N(x | mu_k, lambda_k)]: the Gaussian at the expected precision, plus the Wishart's terms
        expected_precision = 1.0 / self.covariances
        log_lambda = np.log(2.0) + digamma(0.5 * self.degrees)
        constant = (
            -0.5 * np.log(2 * np.pi)
            + 0.5 * np.log(expected_precision)
            - 0.5 * np.log(self.degrees)
            + 0.5 * (log_lambda - 1.0 / self.precision)
            + log_weights
        )
        weighted = (x - self.means[:, None]) ** 2
        weighted *= -0.5 * expected_precision[:, None]
        weighted += constant[:, None]
        weighted -= weighted.max(axis=0)
        weighted -= np.log(np.exp(weighted).sum(axis=0))
        return weighted

    def lower_bound(self, resp: np.ndarray, log_resp: np.ndarray) -> float:
        """The evidence lower bound, up to a constant (what scikit-learn's convergence test compares)."""
        log_det_chol = -0.5 * np.log(self.covariances) - 0.5 * np.log(self.degrees)
        log_wishart = -(
            self.degrees * log_det_chol + 0.5 * self.degrees * np.log(2.0) + gammaln(0.5 * self.degrees)
        ).sum()
        log_sticks = -betaln(self.a, self.b).sum()
        entropy = -(resp * log_resp).sum()
        return float(entropy - log_wishart - log_sticks - 0.5 * np.log(self.precision).sum())

    def modes(self) -> Modes:
        sticks = self.a / (self.a + self.b)
        left = np.concatenate([[1.0], np.cumprod(1 - sticks)[:-1]])
        weights = sticks * left
        return Modes(self.means.copy(), self.covariances.copy(), weights / weights.sum())


def kmeans_labels(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Lloyd's k-means on one column from greedy k-means++ seeds: each value's cluster (0 .. k-1).

    In one dimension a value's nearest centre is found by bisecting the midpoints between sorted
    centres, so an iteration costs one search per value instead of k distances.
    """
    centres = _kmeans_plus_plus(x, k, rng)
    labels = np.full(x.size, -1)
    for _ in range(KMEANS_ITERATIONS):
        order = np.argsort(centres, kind="stable")
        cuts = (centres[order][1:] + centres[order][:-1]) / 2
        new_labels = order[np.searchsorted(cuts, x)]
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        counts = np.bincount(labels, minlength=k)
        sums = np.bincount(labels, weights=x, minlength=k)
        # an emptied cluster keeps its centre: k-means++ seeds on distinct values, so this is rare
        centres = np.where(counts > 0, sums / np.maximum(counts, 1), centres)
    return labels


def _kmeans_plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeds, greedy: of 2 + log(k) candidates drawn by squared distance, the one that lowers
    the total squared distance most (Arthur and Vassilvitskii 2007; scikit-learn's default)."""
    trials = 2 + int(np.log(k))
    centres = [x[rng.integers(x.size)]]
    nearest = (x - centres[0]) ** 2
    for _ in range(1, k):
        total = nearest.sum()
        if total <= 0:  # fewer distinct values than clusters: repeat one (its cluster stays empty)
            centres.append(centres[-1])
            continue
        picks = np.searchsorted(np.cumsum(nearest), rng.random(trials) * total)
        candidates = x[np.minimum(picks, x.size - 1)]
        options = np.minimum(nearest, (x - candidates[:, None]) ** 2)
        best = int(options.sum(axis=1).argmin())
        centres.append(candidates[best])
        nearest = options[best]
    return np.asarray(centres)
