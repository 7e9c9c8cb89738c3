"""Quality of synthetic data: fidelity, detection, diversity, utility, privacy — and one entry point.

Example:
    >>> from synthloom.metrics import evaluate
    >>> report = evaluate(real_test, synthetic, train=real_train, target="income")
    >>> report.to_html("report.html")

Each family is also a plain function of prepared tables:

    >>> tables = prepare(real_test, synthetic)
    >>> quality_scores(tables)["overall"]
"""

from synthloom.metrics.detection import detection, detection_aucs
from synthloom.metrics.diversity import alpha_precision_beta_recall, category_coverage, diversity, prdc
from synthloom.metrics.encoding import TableEncoder, Tables, prepare
from synthloom.metrics.evaluate import evaluate, evaluate_files
from synthloom.metrics.fidelity import column_pair_trends, column_shapes, fidelity, quality_scores, validity
from synthloom.metrics.privacy import privacy
from synthloom.metrics.result import FamilyResult, Score
from synthloom.metrics.utility import utility

__all__ = [
    "FamilyResult",
    "Score",
    "TableEncoder",
    "Tables",
    "alpha_precision_beta_recall",
    "category_coverage",
    "column_pair_trends",
    "column_shapes",
    "detection",
    "detection_aucs",
    "diversity",
    "evaluate",
    "evaluate_files",
    "fidelity",
    "prdc",
    "prepare",
    "privacy",
    "quality_scores",
    "utility",
    "validity",
]
