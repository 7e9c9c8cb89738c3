"""Image metrics in a classifier feature space: sanity on real-vs-real, and each failure they must catch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthloom.datasets import load_images
from synthloom.errors import DataError
from synthloom.metrics.diversity import prdc
from synthloom.metrics.images import (
    ImageClassifier,
    RealImages,
    cached_classifier,
    class_coverage,
    evaluate_images,
    frechet_distance,
    kernel_distance,
    memorisation,
)

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def digits() -> RealImages:
    images, labels = load_images("digits")
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order]
    return RealImages(images[:1400], labels[:1400], images[1400:], labels[1400:])


@pytest.fixture(scope="module")
def classifier(digits: RealImages, tmp_path_factory) -> ImageClassifier:
    return cached_classifier(digits.train, digits.train_labels, cache_dir=tmp_path_factory.mktemp("cache"))


def test_classifier_is_accurate_and_cached(digits, classifier, tmp_path_factory) -> None:
    assert classifier.accuracy(digits.test, digits.test_labels) > 0.85
    cache = tmp_path_factory.getbasetemp()
    files = list(cache.glob("cache[0-9]*/classifiers/*.safetensors"))  # the fixture's (others cache too)
    assert len(files) == 1
    again = cached_classifier(digits.train, digits.train_labels, cache_dir=files[0].parents[1])
    np.testing.assert_array_equal(again.predict(digits.test), classifier.predict(digits.test))


def test_distances_rank_real_above_noise(digits, classifier) -> None:
    real_a, real_b = classifier.features(digits.train[:300]), classifier.features(digits.test[:300])
    noise = classifier.features(np.random.default_rng(0).random((300, 8, 8), dtype=np.float32))
    assert frechet_distance(real_a, real_b) < 0.1 * frechet_distance(real_a, noise)
    assert kernel_distance(real_a, real_b) < 0.1 * kernel_distance(real_a, noise)
    good = prdc(real_a, real_b)
    bad = prdc(real_a, noise)
    assert good["precision"] > 0.7 and good["coverage"] > 0.7
    # measured: noise keeps about half its precision in this 128-d space (k-NN balls are wide), so
    # compare with real-vs-real rather than with a fixed bound
    assert bad["precision"] < good["precision"] - 0.3 and bad["coverage"] < good["coverage"] / 2


def test_mode_collapse_lowers_recall_and_coverage(digits, classifier) -> None:
    real = classifier.features(digits.test)
    only_zeros = classifier.features(digits.train[digits.train_labels == 0][:100])
    scores = prdc(real, only_zeros)
    assert scores["precision"] > 0.7 and scores["coverage"] < 0.3


def test_class_coverage_catches_missing_and_wrong_classes(digits, classifier) -> None:
    right = class_coverage(classifier, digits.test, digits.test_labels)
    assert right["label_agreement"] > 0.85 and right["classes_covered"] == 1.0
    zeros = digits.test[digits.test_labels == 0]
    wrong = class_coverage(classifier, zeros, np.arange(len(zeros)) % 10)
    assert wrong["label_agreement"] < 0.2 and wrong["classes_covered"] < 0.5 and wrong["proportion_gap"] > 0.5


def test_memorisation_flags_copies(digits) -> None:
    copies = memorisation(digits.train[:200], digits.train, digits.test)
    fresh = memorisation(digits.test[:200], digits.train, digits.test)
    assert copies["memorised_share"] == 1.0 and copies["distance_ratio"] == 0.0
    assert fresh["memorised_share"] < 0.05 and 0.8 < fresh["distance_ratio"] < 1.2


def test_evaluate_images_on_real_as_fake(digits, tmp_path) -> None:
    fake, fake_labels = digits.test[:200], digits.test_labels[:200]
    scores = evaluate_images(digits, fake, fake_labels, classifier_epochs=2, cache_dir=tmp_path)
    assert scores["cas"] > 0.5 and scores["real_accuracy"] > 0.8
    assert {"fid", "kid", "precision", "recall", "density", "coverage", "memorised_share"} <= set(scores)


def test_scores_do_not_drift_with_the_number_of_fakes_and_noise_is_their_floor(digits, tmp_path) -> None:
    """Recall fell from 0.25 to 0.06 as -n went from 200 to 1,000 against 270 real images; noise scored a
    precision of 0.59 with nothing to compare it to."""
    pool = np.concatenate([digits.train] * 3)  # many fakes, all real-looking
    few, many = (evaluate_images(digits, pool[:n], cache_dir=tmp_path) for n in (len(digits.test), 3000))
    assert many["recall"] == pytest.approx(few["recall"], abs=0.05)
    assert many["coverage"] == pytest.approx(few["coverage"], abs=0.05)
    assert few["noise_precision"] < few["precision"] - 0.3 and few["noise_density"] < few["density"] / 3
    assert few["noise_fid"] > 10 * few["fid"]


def test_a_perfect_generator_of_repeated_images_scores_full_marks(digits, tmp_path) -> None:
    """Real images each present 8 times (their 5th neighbour at distance 0), faked exactly: precision,
    recall, density and coverage were all 0, as the k-NN balls were open and of radius 0."""
    repeated = np.repeat(digits.test[:40], 8, axis=0)
    real = RealImages(digits.train, digits.train_labels, repeated, np.repeat(digits.test_labels[:40], 8))
    scores = evaluate_images(real, repeated.copy(), cache_dir=tmp_path)
    assert scores["precision"] == scores["recall"] == scores["coverage"] == 1.0
    assert scores["density"] >= 1.0


def test_one_class_set_is_scored_in_a_contrasting_feature_space(digits, tmp_path) -> None:
    train_zeros, test_zeros = digits.train_labels == 0, digits.test_labels == 0
    zeros = RealImages(
        digits.train[train_zeros], digits.train_labels[train_zeros],
        digits.test[test_zeros], digits.test_labels[test_zeros],
    )  # fmt: skip
    fake = np.concatenate([zeros.test, digits.test[digits.test_labels == 1]])  # zeros and some ones
    asked = np.zeros(len(fake), dtype=np.int64)
    with pytest.raises(DataError, match="feature_set"):
        evaluate_images(zeros, fake, asked, cache_dir=tmp_path)  # one class: no features to learn
    contrast = (digits.train, digits.train_labels)
    scores = evaluate_images(zeros, fake, asked, 2, cache_dir=tmp_path, feature_set=contrast)
    assert "cas" not in scores  # a classifier trained on one class says nothing
    share_of_zeros = len(zeros.test) / len(fake)
    assert scores["label_agreement"] == pytest.approx(share_of_zeros, abs=0.1)  # the ones are seen as ones
