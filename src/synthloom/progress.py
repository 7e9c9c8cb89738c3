"""Progress: bars that vanish when done (sampling, rejection sampling, augmentation), and plain lines where
no bar can show (those and training's epochs)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

from rich.console import Console
from rich.progress import Progress, ProgressColumn

# seconds between two plain progress lines: often enough that a job's log shows the work is moving, rarely
# enough that a run of an hour writes a few hundred lines, not thousands
PLAIN_EVERY_S = 10.0


def transient_progress(
    *columns: str | ProgressColumn, console: Console | None = None, shown: bool = True
) -> Progress:
    """A bar that is erased when done, shown only on a terminal: where the output is piped or written to a
    file (``| cat``, a job's log) a transient bar never shows, yet rich ends it with an empty line."""
    progress = Progress(*columns, console=console, disable=not shown, transient=True)
    progress.disable = progress.disable or not progress.console.is_interactive
    return progress


class PlainLines:
    """One plain line on stderr every ``PLAIN_EVERY_S`` seconds, for work whose bar cannot show.

    A bar drawn where stdout and stderr are no terminal (a job's log, ``2>&1 | tee``) is never seen: a
    long run then looks like a hang. ``report`` is called after every round of work and writes the line
    ``describe()`` gives once the interval has passed (``describe`` is only called then).

    Example:
        >>> lines = PlainLines(shown=verbose and bar.disable)
        >>> lines.report(lambda: f"{done} of {total} rows")
    """

    def __init__(
        self,
        shown: bool,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shown = shown
        self.stream = stream
        self.clock = clock
        self.started = self.last = clock()

    @property
    def elapsed(self) -> float:
        """Seconds since the work began."""
        return self.clock() - self.started

    def time_left(self, done: float, total: float, budget: float | None = None) -> str:
        """ "about 4 min left" at the pace so far (``done`` of ``total`` in ``elapsed``), or "at most 2 min
        left (time budget)" where the ``budget``'s seconds left are less; "" before any is done, where the
        pace is not known yet, and once all is."""
        if done <= 0 or done >= total:
            return ""
        projected = self.elapsed * (total - done) / done
        if budget is not None and budget < projected:
            return f"at most {duration(max(budget, 0.0))} left (time budget)"
        return f"about {duration(projected)} left"

    def line(self, what: str, done: float, total: float, budget: float | None = None) -> str:
        """ "sampling: 300,000 of 1,000,000 rows, 41 s, about 2 min left": ``what`` is done (``done`` of
        ``total``), the time so far and the time left (``time_left``)."""
        parts = (what, duration(self.elapsed), self.time_left(done, total, budget))
        return ", ".join(part for part in parts if part)

    def report(self, describe: Callable[[], str]) -> None:
        """Write ``describe()`` as one line where the interval since the last line has passed."""
        if not self.shown or self.clock() - self.last < PLAIN_EVERY_S:
            return
        self.last = self.clock()
        # looked up now, not at import: a test's or a caller's redirected stderr is the one written to
        print(describe(), file=self.stream or sys.stderr, flush=True)


_SEARCH_CONSOLE: ContextVar[Console | None] = ContextVar("search_console", default=None)
_SEARCH_PART: ContextVar[str | None] = ContextVar("search_part", default=None)


@contextmanager
def _holding(variable: ContextVar[Any], value: Any) -> Iterator[None]:
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def searches_shown_on(console: Console | None) -> AbstractContextManager[None]:
    """Within it, a search for rows that meet conditions shows its progress on ``console`` (None: where the
    model's ``verbose`` says) whatever model draws them: ``synthloom sample`` of a rare combination from a
    copula, which has no ``verbose``, drew for minutes without a sign."""
    return _holding(_SEARCH_CONSOLE, console)


def search_console() -> Console | None:
    """The console searches show their progress on (``searches_shown_on``), or None."""
    return _SEARCH_CONSOLE.get()


def searching_part(part: str | None) -> AbstractContextManager[None]:
    """Within it, a search's progress names the part of a larger request it draws ("rows 100,001 -
    200,000 of 250,000"; None: the whole request): a chunk searched alone counted its own 100,000 rows
    under a 250,000-row run."""
    return _holding(_SEARCH_PART, part)


def search_part() -> str | None:
    """The part of a larger request a search draws (``searching_part``), or None."""
    return _SEARCH_PART.get()


_DRAWING: ContextVar[Callable[[], None] | None] = ContextVar("drawing", default=None)


def while_drawing(callback: Callable[[], None]) -> AbstractContextManager[None]:
    """Within it, a network's draw calls ``callback`` after each batch of rows (``drawing``): `sample`'s
    progress moved as chunks were written, and a chunk of 100,000 ddpm rows kept its plain lines silent for
    minutes, as if the run had hung."""
    return _holding(_DRAWING, callback)


def drawing() -> None:
    """Say a batch of rows was drawn, to the ``while_drawing`` callback (if any)."""
    callback = _DRAWING.get()
    if callback is not None:
        callback()


def plain_lines_for(progress: Progress, shown: bool) -> PlainLines:
    """Plain lines standing in for ``progress`` where it was asked for (``shown``) but cannot show: it is
    disabled, or its console is no terminal. A bar kept when done (training's) is not disabled there, as
    rich writes its last state once at the end, but it draws nothing while the work runs."""
    return PlainLines(shown and (progress.disable or not progress.console.is_interactive))


def duration(seconds: float) -> str:
    """Seconds as a person reads a wait: 40 s, 3 min, 2.5 h."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
