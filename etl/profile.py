"""Where a run's time and memory go: the wall time and peak RSS of each step.

`python -m etl run --profile` prints the steps; the `--json` summary always carries them. Peak RSS
is the process's high-water mark during the step. With --profile, on Linux, the mark is reset
before each step (/proc/self/clear_refs), so each step shows its own peak and the run's peak is
the largest of them (the reset also lowers what getrusage and `time -v` report afterwards, so it
is done only when asked). Otherwise each step shows the run's peak so far.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")  # 5: reset the peak RSS (VmHWM) to the current RSS
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """The process's peak RSS since the last reset (or since it started), in MB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform != "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / scale


@dataclass
class Step:
    step: str  # read, type_validate, quarantine, stage, model, publish, …
    name: str  # the source, the model, or "" for a run-wide step
    seconds: float
    peak_rss_mb: float


@dataclass
class Profile:
    steps: list[Step] = field(default_factory=list)
    run_peak_mb: float = 0.0
    per_step_peaks: bool = False  # reset the high-water mark before each step (--profile)

    @contextlib.contextmanager
    def step(self, step: str, name: str = "") -> Iterator[None]:
        before = peak_rss_mb()
        self.run_peak_mb = max(self.run_peak_mb, before)
        if self.per_step_peaks:
            _reset_peak()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            peak = peak_rss_mb()
            self.run_peak_mb = max(self.run_peak_mb, peak)
            self.steps.append(Step(step, name, round(time.perf_counter() - t0, 3), round(peak, 1)))

    def to_dict(self) -> dict:
        peak = max(self.run_peak_mb, peak_rss_mb())
        return {"peak_rss_mb": round(peak, 1), "steps": [asdict(s) for s in self.steps]}

    def table(self) -> str:
        lines = [f"{'step':<16} {'name':<34} {'seconds':>9} {'peak RSS MB':>12}"]
        for s in self.steps:
            lines.append(f"{s.step:<16} {s.name[:34]:<34} {s.seconds:>9.2f} {s.peak_rss_mb:>12,.0f}")
        total = sum(s.seconds for s in self.steps)
        lines.append(f"{'total':<16} {'':<34} {total:>9.2f} {max(self.run_peak_mb, peak_rss_mb()):>12,.0f}")
        return "\n".join(lines)
