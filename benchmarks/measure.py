"""Interleaved, paired timing: our code and its reference take turns, round after round.

The machines this runs on are shared and noisy, so one number means little. Each round runs
both contenders back to back (alternating who goes first, so neither always gets the warmer
cache or the quieter moment), and the report quotes medians and their ratio, never a mean.
Only the work under test is inside the timed region: each contender times itself and says how
many units (answers, documents, writes) the time covers, so set-up stays outside.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Comparison", "Sample", "Trial", "compare"]


@dataclass(frozen=True)
class Sample:
    """One round of one contender: ``seconds`` spent on ``units`` units of work."""

    seconds: float
    units: int

    @property
    def per_unit(self) -> float:
        """Seconds per unit in this round."""
        return self.seconds / self.units


#: One round of one contender; it times only its own work (``time.perf_counter``).
Trial = Callable[[], Awaitable[Sample]]


@dataclass
class Comparison:
    """The per-unit times of our code and its reference over the same interleaved rounds."""

    name: str
    unit: str
    ours: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    units_per_round: int = 0
    reference_name: str = ""

    @property
    def ours_median(self) -> float:
        """Median seconds per unit of our code."""
        return statistics.median(self.ours)

    @property
    def reference_median(self) -> float:
        """Median seconds per unit of the reference."""
        return statistics.median(self.reference)

    @property
    def ratio(self) -> float:
        """How many times the reference's median our median takes (1.0: as fast)."""
        return self.ours_median / self.reference_median

    @property
    def paired_ratio(self) -> float:
        """Median of the per-round ratios: robust when the machine drifts between rounds."""
        return statistics.median(o / r for o, r in zip(self.ours, self.reference, strict=True))

    def as_json(self) -> dict[str, Any]:
        """The comparison as JSON-able data (times in seconds per unit)."""
        return {
            "name": self.name,
            "unit": self.unit,
            "reference": self.reference_name,
            "rounds": len(self.ours),
            "units_per_round": self.units_per_round,
            "ours_median_s": self.ours_median,
            "reference_median_s": self.reference_median,
            "ratio": self.ratio,
            "paired_ratio": self.paired_ratio,
            "ours_s": self.ours,
            "reference_s": self.reference,
        }


async def compare(
    name: str,
    unit: str,
    ours: Trial,
    reference: Trial,
    *,
    rounds: int,
    warmup: int = 1,
    reference_name: str = "",
) -> Comparison:
    """Runs ``warmup`` untimed rounds, then ``rounds`` interleaved rounds of both contenders."""
    if rounds < 1:
        raise ValueError("at least one round is needed for a median")
    for _ in range(warmup):
        # Imports, caches, SQLite pages and PTB's lazy set-up would otherwise land in round 1.
        await ours()
        await reference()
    result = Comparison(name, unit, reference_name=reference_name)
    # Everything alive now (modules, PTB, pydantic models, the app) lives on: freezing it keeps
    # the collection before each trial down to what the rounds themselves allocate.
    gc.collect()
    gc.freeze()
    try:
        for index in range(rounds):
            # Alternate the order: whoever runs second may find the CPU warmer or the disk busier.
            first, second = (ours, reference) if index % 2 == 0 else (reference, ours)
            a = await _clean(first)
            b = await _clean(second)
            ours_sample, reference_sample = (a, b) if index % 2 == 0 else (b, a)
            result.ours.append(ours_sample.per_unit)
            result.reference.append(reference_sample.per_unit)
            result.units_per_round = ours_sample.units
    finally:
        gc.unfreeze()
    return result


async def _clean(trial: Trial) -> Sample:
    """Runs ``trial`` on a freshly collected heap (the collection itself is not timed).

    Without it, garbage one contender leaves behind (python-docx builds a large lxml tree) is
    collected during the other's timed region and bills it for work it never did.
    """
    gc.collect()
    return await trial()
