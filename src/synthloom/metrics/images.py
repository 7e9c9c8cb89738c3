"""Image quality with no downloaded weights: a small CNN trained on the real images is the feature space.

Inception-based FID needs weights from the internet and judges digits by ImageNet features. Here a small
classifier trained on the real training images (cached per data set, its own test accuracy reported)
supplies the features, and every score is computed in them:

* Fréchet distance and kernel distance (KID, unbiased polynomial-kernel MMD²) between real and fake;
* precision / recall / density / coverage (Naeem et al. 2020) with k nearest neighbours, as for tables
  (``diversity.prdc``: closed balls, so duplicated images are inside one another's balls);
* CAS, the classification accuracy score: a classifier trained on labelled fakes, tested on real test
  images, next to the accuracy of the same classifier trained on the real training images;
* per-class coverage: the real classifier labels the fakes; every class should appear, in the asked
  proportions, and agree with the label asked;
* memorisation: a fake that is far closer to its nearest training image than real test images are.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file
from scipy import linalg
from sklearn.neighbors import NearestNeighbors
from torch import nn

from synthloom.data.images import as_nchw
from synthloom.data.io import atomic_path
from synthloom.errors import DataError
from synthloom.metrics.diversity import prdc
from synthloom.training.device import resolve_device
from synthloom.training.optim import FlatAdam

CLASSIFIER_VERSION = 2  # bump when the network or its training changes: old cache entries then miss
FEATURES = 128
BATCH = 128
MIN_STEPS = 150  # small sets (a few hundred fakes for CAS) get more epochs, not fewer steps
MAX_SCORED = 2_000  # images of each side the distribution scores compare at most (``evaluate_images``)
MEMORISED_RATIO = 0.2  # closer than 1/5 of the typical real-to-train distance: a near copy


class SmallCNN(nn.Module):
    """(B, C, H, W) in [0, 1] -> class logits; ``features`` gives the (B, 128) penultimate layer."""

    def __init__(self, channels: int, n_classes: int, side: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            # 64x64 and larger are averaged down to 32x32 first: shapes and digits need no finer detail,
            # and a classifier trained 3 times per evaluation (features, CAS, yardstick) costs 4x less
            nn.AvgPool2d(side // 32) if side >= 64 else nn.Identity(),
            nn.Conv2d(channels, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2) if side >= 16 else nn.Identity(),  # 4x less work on MNIST-size and larger
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(4),  # any input size -> (B, 32, 4, 4)
            nn.Flatten(),
            nn.Linear(32 * 16, FEATURES),
            nn.ReLU(),
        )
        self.head = nn.Linear(FEATURES, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def _as_nchw(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(as_nchw(np.asarray(images, dtype=np.float32))))


@dataclass
class ImageClassifier:
    """A trained ``SmallCNN`` with its class list; the feature space for every image metric.

    Example:
        >>> clf = ImageClassifier.train(train_x, train_y, epochs=3, random_state=0)
        >>> clf.accuracy(test_x, test_y), clf.features(test_x).shape
        (0.97..., (360, 128))
    """

    network: SmallCNN
    classes: np.ndarray  # (K,) the label of each output

    @classmethod
    def train(
        cls,
        images: np.ndarray,
        labels: np.ndarray,
        epochs: int = 3,
        random_state: int = 0,
        device: str = "auto",
    ) -> ImageClassifier:
        """Fit a fresh classifier with Adam (batches of 128, seeded; at least ``MIN_STEPS`` steps)."""
        classes, codes = np.unique(labels, return_inverse=True)
        x, y = _as_nchw(images), torch.from_numpy(codes.astype(np.int64))
        target = resolve_device(device)
        epochs = max(epochs, math.ceil(MIN_STEPS / math.ceil(len(x) / BATCH)))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(random_state)
            network = SmallCNN(x.shape[1], len(classes), x.shape[-1]).to(target)
            optimizer = FlatAdam(network.parameters(), 2e-3)
            for _ in range(epochs):
                for index in torch.randperm(len(x)).split(BATCH):
                    loss = F.cross_entropy(network(x[index].to(target)), y[index].to(target))
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
        return cls(network.eval(), classes)

    @torch.no_grad()
    def _batched(self, images: np.ndarray, head: bool) -> np.ndarray:
        device = next(self.network.parameters()).device
        parts = []
        for chunk in _as_nchw(images).split(1024):
            out = self.network.features(chunk.to(device))
            parts.append((self.network.head(out) if head else out).float().cpu())
        return torch.cat(parts).numpy() if parts else np.zeros((0, FEATURES), np.float32)

    def features(self, images: np.ndarray) -> np.ndarray:
        """(N, 128) penultimate-layer features."""
        return self._batched(images, head=False)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """(N,) predicted labels."""
        return self.classes[self._batched(images, head=True).argmax(axis=1)]

    def accuracy(self, images: np.ndarray, labels: np.ndarray) -> float:
        """Share of images whose predicted label is right."""
        return float((self.predict(images) == np.asarray(labels)).mean())


def cached_classifier(
    images: np.ndarray,
    labels: np.ndarray,
    epochs: int = 3,
    random_state: int = 0,
    cache_dir: Path | None = None,
) -> ImageClassifier:
    """``ImageClassifier.train`` once per data set: stored under ``cache_dir`` keyed by a hash of the data.

    The cache defaults to ``$SYNTHLOOM_CACHE`` or ``~/.cache/synthloom``; files are safetensors (no pickle).
    """
    root = cache_dir or Path(os.environ.get("SYNTHLOOM_CACHE", Path.home() / ".cache" / "synthloom"))
    digest = hashlib.sha256(np.ascontiguousarray(images, dtype=np.float32).tobytes())
    digest.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    digest.update(json.dumps([CLASSIFIER_VERSION, epochs, random_state, np.shape(images)]).encode())
    path = root / "classifiers" / f"{digest.hexdigest()[:24]}.safetensors"
    if path.is_file():
        with safe_open(str(path), framework="pt") as handle:
            state = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
        classes = state.pop("classes").numpy()
        network = SmallCNN(_as_nchw(images[:1]).shape[1], len(classes), np.shape(images)[-1])
        network.load_state_dict(state)
        return ImageClassifier(network.eval(), classes)
    clf = ImageClassifier.train(images, labels, epochs=epochs, random_state=random_state, device="cpu")
    state = {k: v.detach().cpu().contiguous() for k, v in clf.network.state_dict().items()}
    with atomic_path(path) as tmp:
        save_file({**state, "classes": torch.from_numpy(clf.classes)}, str(tmp))
    return clf


# -- distances between feature sets -------------------------------------------------------------------------
def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (FID, in this feature space).

    Example:
        >>> frechet_distance(f_real, f_real)  # ~0
    """
    mu_r, mu_f = real.mean(axis=0), fake.mean(axis=0)
    cov_r, cov_f = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    # tr sqrt(cov_r cov_f) = tr sqrt(s cov_f s) with s = sqrt(cov_r): a symmetric PSD matrix whose
    # eigenvalues stay real, unlike sqrtm of the product, which fails when dead ReLU units make it singular
    values, vectors = linalg.eigh(cov_r)
    s = (vectors * np.sqrt(values.clip(min=0))) @ vectors.T
    cross = np.sqrt(linalg.eigvalsh(s @ cov_f @ s).clip(min=0)).sum()
    return float(((mu_r - mu_f) ** 2).sum() + np.trace(cov_r) + np.trace(cov_f) - 2 * cross)


def kernel_distance(
    real: np.ndarray, fake: np.ndarray, subsets: int = 10, subset_size: int = 500, random_state: int = 0
) -> float:
    """KID (Binkowski et al. 2018): unbiased MMD² with kernel (x·y / d + 1)³, averaged over subsets."""
    rng = np.random.default_rng(random_state)
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise DataError("kernel distance needs at least 2 real and 2 fake images")
    d = real.shape[1]
    values = []
    for _ in range(subsets):
        x = real[rng.choice(len(real), size, replace=False)].astype(np.float64)
        y = fake[rng.choice(len(fake), size, replace=False)].astype(np.float64)
        kxx, kyy, kxy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
        off = size * (size - 1)
        values.append((kxx.sum() - np.trace(kxx)) / off + (kyy.sum() - np.trace(kyy)) / off - 2 * kxy.mean())
    return float(np.mean(values))


def _feature_scores(f_real: np.ndarray, f_fake: np.ndarray, random_state: int) -> dict[str, float]:
    """FID, KID and precision / recall / density / coverage of one set of fake features."""
    k = min(5, len(f_real) - 1, len(f_fake) - 1)
    return {
        "fid": frechet_distance(f_real, f_fake),
        "kid": kernel_distance(f_real, f_fake, random_state=random_state),
        **prdc(f_real, f_fake, k=k),
    }


# -- scores that need labels or training images ----------------------------------------------------------
def classification_accuracy_score(
    fake: np.ndarray, fake_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray, **train_options: int
) -> float:
    """CAS (Ravuri and Vinyals 2019): accuracy on real test images of a classifier trained on fakes only.

    Example:
        >>> classification_accuracy_score(fake, fake_y, test_x, test_y, epochs=3)  # compare to real-trained
    """
    return ImageClassifier.train(fake, fake_labels, **train_options).accuracy(test, test_labels)


def class_coverage(classifier: ImageClassifier, fake: np.ndarray, asked: np.ndarray) -> dict[str, float]:
    """Does the real-trained classifier see each asked class, in the asked proportions?

    Returns ``label_agreement`` (share of fakes classified as the label asked), ``classes_covered`` (share
    of asked classes with at least one fake recognised as them) and ``proportion_gap`` (total variation
    distance between asked and recognised class shares, 0 is exact).
    """
    seen = classifier.predict(fake)
    classes = np.unique(asked)
    asked_share = np.array([(asked == c).mean() for c in classes])
    seen_share = np.array([(seen == c).mean() for c in classes])
    return {
        "label_agreement": float((seen == asked).mean()),
        "classes_covered": float((seen_share > 0).mean()),
        "proportion_gap": float(0.5 * (np.abs(asked_share - seen_share).sum() + (1 - seen_share.sum()))),
    }


def memorisation(fake: np.ndarray, train: np.ndarray, test: np.ndarray) -> dict[str, float]:
    """Nearest training image of each fake, in pixels, against the same distance for real test images.

    ``memorised_share`` counts fakes closer to a training image than ``MEMORISED_RATIO`` times the median
    test-to-train distance (near copies); ``distance_ratio`` is the median fake-to-train distance over the
    median test-to-train distance (about 1 for a generator that generalises, near 0 for one that copies).
    """
    index = NearestNeighbors(n_neighbors=1).fit(_flat(train))
    fake_distance = index.kneighbors(_flat(fake))[0][:, 0]
    typical = float(np.median(index.kneighbors(_flat(test))[0][:, 0]))
    return {
        "memorised_share": float((fake_distance < MEMORISED_RATIO * typical).mean()),
        "distance_ratio": float(np.median(fake_distance) / typical) if typical > 0 else float("nan"),
    }


def _flat(images: np.ndarray) -> np.ndarray:
    return np.asarray(images, dtype=np.float32).reshape(len(images), -1)


@dataclass
class RealImages:
    """The real side of an evaluation: training images (the generator saw them) and held-out test images."""

    train: np.ndarray
    train_labels: np.ndarray
    test: np.ndarray
    test_labels: np.ndarray


def evaluate_images(
    real: RealImages,
    fake: np.ndarray,
    fake_labels: np.ndarray | None = None,
    classifier_epochs: int = 3,
    max_points: int = MAX_SCORED,
    random_state: int = 0,
    cache_dir: Path | None = None,
    feature_set: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """Every image score, by name; labelled fakes add class coverage, and CAS when there are 2+ classes.

    Args:
        feature_set: labelled images (and labels) to train the feature classifier on, instead of the
            real training images; a one-class set (100 faces) needs it, e.g. faces against background
            crops, since a classifier learns no features from a single class.

    Raises:
        DataError: fewer than 2 fake or real test images, or a feature classifier with one class.

    Example:
        >>> scores = evaluate_images(RealImages(x_tr, y_tr, x_te, y_te), fake, fake_y)
        >>> scores["cas"] / scores["real_accuracy"]
    """
    if len(fake) < 2 or len(real.test) < 2:
        raise DataError("evaluation needs at least 2 fake and 2 real test images")
    feature_x, feature_y = feature_set or (real.train, real.train_labels)
    if len(np.unique(feature_y)) < 2:
        raise DataError(
            "the feature classifier needs at least 2 classes of real images; for a one-class set pass "
            "feature_set= with contrasting images (e.g. faces against background crops)"
        )
    clf = cached_classifier(feature_x, feature_y, classifier_epochs, random_state, cache_dir)
    rng = np.random.default_rng(random_state)
    # as many fakes as real images: with more fakes, recall and coverage fell as -n grew (0.25 at 200
    # fakes, 0.06 at 1,000 against 270 real ones) and FID and KID shifted with it
    size = min(max_points, len(real.test), len(fake))
    some_test = real.test[rng.permutation(len(real.test))[:size]]
    some_fake = fake[rng.permutation(len(fake))[:size]]
    f_real = clf.features(some_test)
    scores = {
        "real_accuracy": clf.accuracy(real.test, real.test_labels),
        **_feature_scores(f_real, clf.features(some_fake), random_state),
        **memorisation(some_fake, real.train, some_test),
    }
    # the same scores of uniform noise: the floor a generator must clear (noise lands inside some real
    # images' neighbourhoods in any feature space: its precision on digits is about 0.5)
    noise = rng.random(some_fake.shape, dtype=np.float32)
    scores.update(
        {f"noise_{k}": v for k, v in _feature_scores(f_real, clf.features(noise), random_state).items()}
    )
    if fake_labels is not None and len(np.unique(real.train_labels)) > 1:
        scores["cas"] = classification_accuracy_score(
            fake,
            fake_labels,
            real.test,
            real.test_labels,
            epochs=classifier_epochs,
            random_state=random_state,
        )
    if fake_labels is not None:
        scores.update(class_coverage(clf, fake, np.asarray(fake_labels)))
    return scores
