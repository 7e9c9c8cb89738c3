"""Progress bars that vanish when done (sampling, rejection sampling, augmentation)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, ProgressColumn


def transient_progress(
    *columns: str | ProgressColumn, console: Console | None = None, shown: bool = True
) -> Progress:
    """A bar that is erased when done, shown only on a terminal: where the output is piped or written to a
    file (``| cat``, a job's log) a transient bar never shows, yet rich ends it with an empty line."""
    progress = Progress(*columns, console=console, disable=not shown, transient=True)
    progress.disable = progress.disable or not progress.console.is_interactive
    return progress
