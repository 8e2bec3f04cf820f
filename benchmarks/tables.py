"""Plain-text tables and targets, readable in a terminal and valid Markdown in the docs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Target", "ratio_text", "table"]


def ratio_text(value: float) -> str:
    """``2.35x``; ``n/a`` when a side did not run, ``inf`` when the other side did nothing."""
    if math.isnan(value):
        return "n/a"
    return "inf" if math.isinf(value) else f"{value:.2f}x"


@dataclass(frozen=True)
class Target:
    """One target of the issue: what was reached, and whether that meets it (None: not run)."""

    name: str
    reached: str
    met: bool | None

    @classmethod
    def at_least(cls, name: str, ratio: float, floor: float) -> Target:
        """A ratio that must be at least ``floor``."""
        return cls(name, ratio_text(ratio), None if math.isnan(ratio) else ratio >= floor)

    @classmethod
    def at_most(cls, name: str, seconds: float, ceiling: float) -> Target:
        """A time that may be at most ``ceiling`` seconds."""
        met = None if math.isnan(seconds) else seconds <= ceiling
        return cls(name, f"{seconds:.2f} s", met)

    @property
    def verdict(self) -> str:
        """``met``, ``NOT met`` or ``not measured``."""
        return {True: "met", False: "NOT met", None: "not measured"}[self.met]

    def line(self) -> str:
        """``- name: reached — met``, a Markdown list item."""
        return f"- {self.name}: {self.reached} — **{self.verdict}**"

    def as_json(self) -> dict[str, Any]:
        """The target as JSON-able data."""
        return {"target": self.name, "reached": self.reached, "met": self.met}


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table with aligned columns: the first left, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + "-") if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
