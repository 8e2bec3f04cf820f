"""The benchmarks run and report ratios. A smoke test only: it never asserts on speed."""

from __future__ import annotations

import json
import math

import pytest

from benchmarks.__main__ import main
from benchmarks.measure import Comparison
from benchmarks.suite import QUICK, environment, report


def test_quick_json_run_reports_a_ratio_for_every_benchmark(capsys: pytest.CaptureFixture[str]):
    assert main(["--quick", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)

    assert payload["environment"]["cpu_count"] >= 1
    assert payload["sizes"]["answers_per_round"] == QUICK.answers_per_round
    names = [r["name"] for r in payload["results"]]
    assert names[0] == "answer through the Application"
    assert names[-1] == "store write (save_answer)"
    for fmt in ("html", "docx", "md", "xlsx", "csv"):
        assert f"overview build + {fmt}" in names
    for result in payload["results"]:
        assert len(result["ours_s"]) == len(result["reference_s"]) >= 1
        assert result["reference"], "every row names its reference"
        # The numbers exist and are finite; how large they are is for `make bench` to show.
        assert result["ours_median_s"] > 0 and result["reference_median_s"] > 0
        assert math.isfinite(result["ratio"]) and math.isfinite(result["paired_ratio"])


def test_table_shows_medians_ratio_and_reference():
    comparison = Comparison(
        "store write (save_answer)",
        "write",
        ours=[0.003, 0.001, 0.002],
        reference=[0.0005, 0.002, 0.001],
        units_per_round=200,
        reference_name="bare aiosqlite INSERT + commit",
    )

    table = report([comparison], QUICK, environment())

    row = next(line for line in table.splitlines() if line.startswith("store write"))
    assert row.split()[-4:] == ["1.00", "ms", "2.0x", "500.0"]  # reference, ratio, ours/s
    assert "2.00 ms" in row and "write (x200)" in row
    assert "write: bare aiosqlite INSERT + commit" in table
