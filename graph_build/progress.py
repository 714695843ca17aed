"""Progress reporting for long steps: silent by default, a rich progress bar from the CLI."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from .errors import FactError


def _ignore(n: int = 1) -> None:
    """Progress not shown."""


class Reporter:
    """Times each phase and lets it report items done; subclasses show it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds per phase, worker processes included
        self.warnings: list[FactError] = []  # FactErrors that do not stop the build (e.g. possible matches)
        self.summary = ""  # what a build did, in a few words ("full build", "2 sources replaced")

    def warn(self, warning: FactError) -> None:
        """Record a problem worth a curator's look that does not stop the build."""
        self.warnings.append(warning)

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        start, cpu = time.perf_counter(), _cpu_seconds()
        try:
            yield self.advance_for(name, total)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_seconds() - cpu
            self.done(name)

    def advance_for(self, name: str, total: int | None) -> Callable[..., None]:
        return _ignore

    def done(self, name: str) -> None:
        pass


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the SHACL workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class RichReporter(Reporter):
    """Shows one progress bar per phase on stderr."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def advance_for(self, name: str, total: int | None) -> Callable[..., None]:
        if not self.tasks:
            self.progress.start()
        task = self.tasks[name] = self.progress.add_task(name, total=total)
        return lambda n=1: self.progress.advance(task, n)

    def done(self, name: str) -> None:
        task = self.tasks[name]
        total = self.progress.tasks[task].total
        self.progress.update(task, completed=total if total is not None else 1, total=total or 1)

    def close(self) -> None:
        if self.tasks:
            self.progress.stop()
