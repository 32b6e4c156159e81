"""A progress bar for long management commands and scripts.

On a terminal it redraws one line (``[#####.....] 180/360 listings  52.3/s  ETA 3s``); when the
output is a file or a container log it prints one plain line per tenth instead, so logs stay
readable.
"""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper


class ProgressBar:
    def __init__(
        self, stream: OutputWrapper, total: int, label: str, enabled: bool = True, width: int = 30
    ) -> None:
        self.stream, self.total, self.label, self.width = stream, max(total, 1), label, width
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self.started = time.monotonic()
        self.done = 0
        self._next_tenth = 1
        self._drawn_at = 0.0

    def update(self, done: int) -> None:
        """Record that ``done`` of ``total`` items are finished."""
        self.done = done
        if not self.enabled:
            return
        if self.tty:
            now = time.monotonic()
            if done >= self.total or now - self._drawn_at >= 0.1:  # ten redraws a second is plenty
                self._drawn_at = now
                self.stream.write(f"\r{self._bar()}", ending="")
                self.stream.flush()
            return
        tenth = min(10, done * 10 // self.total)
        if tenth >= self._next_tenth:  # one line, however many tenths this step crossed
            self.stream.write(
                f"  {tenth * 10:3d}%  {done}/{self.total} {self.label}  {self._rate():.1f}/s"
                f"  {time.monotonic() - self.started:.0f} s so far"
            )
            self._next_tenth = tenth + 1

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")  # end the redrawn line

    def _rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)

    def _bar(self) -> str:
        filled = round(self.width * self.done / self.total)
        rate = self._rate()
        remaining = (self.total - self.done) / rate if rate else 0
        return (
            f"  [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
            f"{self.label}  {rate:.1f}/s  ETA {remaining:.0f}s "
        )
