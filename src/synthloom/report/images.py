"""One self-contained HTML page for an image evaluation: scores, a sample grid per class, loss curves.

Inline CSS and inline PNGs only: no script, no network. The page takes plain data (scores, images,
loss history), so it knows nothing of models.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from synthloom.data.images import image_grid
from synthloom.metrics.result import finite_or_none
from synthloom.report.plots import figure, to_png

MEANINGS = {
    "real_accuracy": "test accuracy of the feature classifier trained on real images (the yardstick)",
    "cas": "accuracy on real test images of a classifier trained on synthetic images only",
    "fid": "Fréchet distance in the classifier's features (0 = same Gaussian statistics)",
    "kid": "kernel distance in the classifier's features (0 = same distribution; unbiased, can dip below 0)",
    "precision": "share of synthetic images that look like some real image (fidelity)",
    "recall": "share of real images that some synthetic image resembles (diversity)",
    "density": "how crowded real neighbourhoods are with synthetic images (about 1 when matched)",
    "coverage": "share of real images with a synthetic image nearby (diversity, robust to outliers)",
    "label_agreement": "share of synthetic images the real classifier assigns to the label asked",
    "classes_covered": "share of asked classes that the real classifier recognises in the output",
    "proportion_gap": "distance between asked and recognised class shares (0 = exact)",
    "memorised_share": "share of synthetic images that are near copies of a training image (want 0)",
    "distance_ratio": "median distance to the nearest training image, synthetic over real test (about 1)",
}
NOISE = "noise_"  # the prefix of a score's value for uniform noise images (``evaluate_images``)


# the scores that judge a generator against uniform noise, and whether a lower value is better
_NOISE_FLOOR = {"fid": True, "recall": False, "density": False, "coverage": False}


def below_noise(scores: Mapping[str, float]) -> str | None:
    """A warning where the synthetic images do no better than uniform noise on two or more of FID,
    recall, density and coverage (a one-epoch conditional DCGAN: FID 274.9 against noise's 135.6, recall 0
    against 0.256, coverage 0.056 against 0.219, said nowhere); None where they clear the floor."""
    worse = []
    for name, lower_is_better in _NOISE_FLOOR.items():
        value, noise = scores.get(name), scores.get(NOISE + name)
        if value is None or noise is None or not (np.isfinite(value) and np.isfinite(noise)):
            continue
        if (value >= noise) if lower_is_better else (value <= noise):
            worse.append(f"{name} {value:.4g} against noise's {noise:.4g}")
    if len(worse) < 2:
        return None
    return (
        f"the synthetic images score no better than uniform noise ({', '.join(worse)}): the generator has "
        "not learnt the images yet; train it longer (more --epochs or --max-minutes)"
    )


def score_rows(scores: Mapping[str, float]) -> list[tuple[str, float, float | None, str]]:
    """(score, value, the same score of uniform noise or None, meaning) per score, noise beside its score."""
    return [
        (name, value, scores.get(NOISE + name), MEANINGS.get(name, ""))
        for name, value in scores.items()
        if not name.startswith(NOISE)
    ]


def scores_json(scores: Mapping[str, float], info: Mapping[str, Any], warnings: Sequence[str]) -> str:
    """``image evaluate --json``'s text: what was compared, each score beside uniform noise's and its
    meaning, and the warnings printed; a score that could not be computed (NaN) is null."""
    rows = [
        {
            "name": name,
            "value": finite_or_none(value),
            "uniform_noise": finite_or_none(noise),
            "meaning": meaning,
        }
        for name, value, noise, meaning in score_rows(scores)
    ]
    payload = {"info": dict(info), "scores": rows, "warnings": list(warnings)}
    return json.dumps(payload, indent=2, allow_nan=False) + "\n"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


NOISE_NOTE = (
    "The uniform noise column scores images of random pixels against the same real images: the floor a "
    "generator must clear. Precision and recall count any real image's neighbourhood, so noise reaches "
    "some of them; density and coverage are the steadier pair. Scores are taken on as many synthetic as "
    "real images."
)
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}"
    "figure{display:inline-block;margin:6px;text-align:center}img{image-rendering:pixelated}"
)


def _png(pixels: np.ndarray, scale: int) -> str:
    from PIL import Image

    picture = Image.fromarray(pixels)
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _loss_curves(history: Sequence[Mapping[str, float]]) -> str:
    fig = figure(6, 3)
    ax = fig.add_subplot()
    epochs = [h["epoch"] for h in history]
    for name in [k for k in history[0] if k != "epoch"]:
        ax.plot(epochs, [h[name] for h in history], label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss")
    ax.legend()
    return to_png(fig)


def image_report_html(
    title: str,
    scores: Mapping[str, float],
    images: np.ndarray,
    labels: np.ndarray | None,
    history: Sequence[Mapping[str, float]],
    notes: Sequence[str] = (),
) -> str:
    """The page as a string: ``notes`` (what was compared, warnings), score table, one grid per class (or
    one grid), loss curves."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{_number(value)}</td><td>{_number(noise)}</td>"
        f"<td>{html.escape(meaning)}</td></tr>"
        for name, value, noise, meaning in score_rows(scores)
    )
    scale = max(1, 96 // images.shape[-1])
    groups = (
        [("all", images)] if labels is None else [(str(c), images[labels == c]) for c in np.unique(labels)]
    )
    grids = "".join(
        f'<figure><img src="data:image/png;base64,{_png(image_grid(group[:36], columns=6), scale)}">'
        f"<figcaption>class {html.escape(name)}</figcaption></figure>"
        for name, group in groups
    )
    curves = f'<img src="data:image/png;base64,{_loss_curves(history)}">' if history else "<p>no history</p>"
    context = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{context}"
        "<h2>Scores</h2><table><tr><th>score</th><th>value</th><th>uniform noise</th><th>meaning</th></tr>"
        f"{rows}</table><p>{NOISE_NOTE}</p>"
        f"<h2>Samples</h2>{grids}<h2>Training losses</h2>{curves}</body></html>"
    )
