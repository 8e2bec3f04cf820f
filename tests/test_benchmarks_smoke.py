"""The benchmark runs end to end and judges its targets. A smoke test: never about speed.

One tiny load run (three colleagues, loopback) drives the real `themabot run` process and the
PTB reference through the stand-in in another process, as `make bench` does with a hundred;
the verdicts and the docs block are checked on made-up figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import main
from benchmarks.conditions import CONDITIONS, ConditionResult
from benchmarks.documents import Measurement
from benchmarks.documents import targets as document_targets
from benchmarks.load import LoadResult, percentile, questions, steps
from benchmarks.report import replace_block


def test_a_tiny_load_run_drives_themabot_and_the_ptb_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = tmp_path / "figures.json"
    argv = ["--quick", "--only", "load", "--conditions", "loopback", "--colleagues", "3"]
    argv += ["--bots", "themabot", "ptb", "--no-write", "--json", str(figures)]

    assert main(argv) == 0

    payload = json.loads(figures.read_text())
    (loopback,) = payload["load"]
    for bot in ("themabot", "ptb"):
        (run,) = loopback["runs"][bot]
        assert (run["finished"], run["lost"], run["refused"]) == (3, 0, 0), bot
        assert run["answers_per_second"] > 0 and run["peak_rss"] > 0
        assert run["p50"] <= run["p95"] <= run["p99"]
    assert [t["target"] for t in loopback["targets"]] == [
        "answers/s >= 1.5x PTB",
        "(aim) answers/s >= 1.0x aiogram",
    ]
    assert loopback["targets"][1]["met"] is None  # aiogram was not run: not measured
    out = capsys.readouterr().out
    assert "| themabot " in out and "| PTB reference " in out
    assert payload["machine"]["nproc"] >= 1 and payload["machine"]["sqlite"]


def _run(key: str, answers_per_second: float, *, finished: int = 100, lost: int = 0) -> LoadResult:
    return LoadResult(
        contender=key,
        colleagues=100,
        finished=finished,
        answers=600,
        lost=lost,
        seconds=600 / answers_per_second,
        latencies=(0.1, 0.2, 0.3),
        cpu_seconds=1.2,
        peak_rss=80 * 2**20,
        refused=0,
    )


def test_targets_compare_medians_of_the_same_run() -> None:
    loopback, _, capped = CONDITIONS
    result = ConditionResult(
        loopback,
        100,
        {
            "themabot": [_run("themabot", 300), _run("themabot", 100), _run("themabot", 320)],
            "ptb": [_run("ptb", 200), _run("ptb", 180), _run("ptb", 150)],
            "aiogram": [_run("aiogram", 400)],
        },
    )
    assert result.ratio("ptb") == pytest.approx(300 / 180)
    ptb, aiogram = result.targets()
    assert (ptb.met, ptb.reached, aiogram.met) == (True, "1.67x", False)
    table = result.render(runs=3)
    assert "**met**" in table and "**NOT met**" in table
    assert "| themabot " in table and "2.00" in table  # CPU s per 1,000 answers

    one_lost = ConditionResult(
        capped,
        100,
        {"themabot": [_run("themabot", 30), _run("themabot", 30, finished=99, lost=1)],
         "ptb": [_run("ptb", 15)]},
    )  # fmt: skip
    finish, lost, ratio = one_lost.targets()
    assert (finish.met, finish.reached, lost.met, ratio.met) == (False, "99/100", False, True)


def test_document_targets_at_1000_and_linear_at_5000() -> None:
    def cell(colleagues: int, fmt: str, seconds: float) -> Measurement:
        return Measurement(colleagues, colleagues * 19, fmt, [seconds], 1, 2, 3)

    verdicts = document_targets(
        [cell(1000, "html", 0.5), cell(1000, "docx", 3.5), cell(5000, "html", 3.0)]
    )
    assert [(t.name, t.met) for t in verdicts] == [
        ("1,000 colleagues, html <= 1 s", True),
        ("1,000 colleagues, docx <= 3 s", False),
        ("5,000 colleagues, html <= 1.5 x 5 x the 1,000 figure (3.75 s)", True),
    ]


def test_results_block_keeps_what_was_written_by_hand(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\nBy hand.\n\n<!-- results -->\nold\n<!-- /results -->\n\nMore.\n"
    )

    replace_block(docs, "results", "new figures")
    replace_block(docs, "profile", "the profile")

    text = docs.read_text()
    assert "By hand." in text and "More." in text and "old" not in text
    assert "<!-- results -->\nnew figures\n<!-- /results -->" in text
    assert text.rstrip().endswith("<!-- profile -->\nthe profile\n<!-- /profile -->")


def test_each_colleague_starts_then_answers_every_question() -> None:
    asked = questions()
    conversation = steps("/start abc", asked)

    assert len(asked) == 6 and conversation[0] == ("/start abc", asked[0])
    assert [expected for _, expected in conversation] == [*asked, None]
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0 and percentile([1.0, 2.0], 0.99) == 2.0


def test_a_tiny_report_command_run_times_the_installed_command_per_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = tmp_path / "figures.json"
    argv = ["--quick", "--only", "command", "--no-write", "--json", str(figures)]

    assert main(argv) == 0

    runs = json.loads(figures.read_text())["command"]
    assert [r["fmt"] for r in runs] == ["html", "docx", "xlsx"]
    for run in runs:
        assert run["colleagues"] == 30 and run["answers"] > 0
        assert len(run["seconds"]) == 1 and run["size_bytes"] > 0
    out = capsys.readouterr().out
    assert "`themabot report` as a whole command" in out
    # The targets are for rounds of 1,000: a quick run says it judges none, not "0 of 0 met".
    assert "Targets at a glance: none judged (a quick run is too small for them" in out
