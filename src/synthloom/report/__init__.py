"""The evaluation report: scores with their meaning, as JSON or as one self-contained HTML page."""

from synthloom.report.report import Report, check_loss_history

__all__ = ["Report", "check_loss_history"]
