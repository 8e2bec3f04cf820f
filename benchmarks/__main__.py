"""``python -m benchmarks``: the whole benchmark, its tables with each target met or not.

Parts (all by default; ``--only`` picks some):

* ``load``: the real ``themabot run`` process, the PTB reference and the aiogram reference,
  each against the stand-in over HTTP, 100 colleagues in a closed loop, three conditions
  (:mod:`benchmarks.conditions`);
* ``documents``: build + render of the overview per format at 100, 1,000 and 5,000
  colleagues, time and peak memory (:mod:`benchmarks.documents`);
* ``command``: ``themabot report`` as a whole command (start-up, imports, reading the round,
  writing the file) on a 1,000-colleague round, per format (:mod:`benchmarks.report_command`);
* ``overview``: colleagues' replies while ``/overview xlsx`` of 1,000 colleagues is compiled
  (:mod:`benchmarks.overview_load`);
* ``fanout``: 5,000 due reminders against a stand-in capped at 30 messages a second
  (:mod:`benchmarks.fanout`).

The tables go to stdout and, for a full run, into docs/benchmarks.md (each part between its
``<!-- results:PART -->`` markers, so a part run alone keeps the others' figures); progress
goes to stderr. ``--quick`` is a smoke run with tiny
sizes that writes nothing unless ``--write`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from benchmarks import documents, fanout, overview_load, report_command
from benchmarks.conditions import CONDITIONS, ConditionResult, run_conditions
from benchmarks.contenders import CONTENDERS
from benchmarks.report import DOCS, command_line, machine, machine_lines, replace_block
from benchmarks.tables import Target

PARTS = ("load", "documents", "command", "overview", "fanout")


@dataclass(frozen=True)
class Plan:
    """How much each part does."""

    colleagues: int = 100
    runs: int = 3
    step_timeout: float = 30.0
    conditions: tuple[str, ...] = tuple(c.key for c in CONDITIONS)
    bots: tuple[str, ...] = tuple(c.key for c in CONTENDERS)
    doc_sizes: tuple[int, ...] = (100, 1000, 5000)
    doc_runs: int = 3
    command_colleagues: int = 1000
    command_runs: int = 5
    overview_colleagues: int = 100
    overview_big: int = 1000
    overview_runs: int = 3
    fanout: int = 5000


#: A smoke run: every part runs end to end at tiny sizes; the figures mean nothing.
QUICK = Plan(
    colleagues=5,
    runs=1,
    step_timeout=20.0,
    doc_sizes=(30,),
    doc_runs=1,
    command_colleagues=30,
    command_runs=1,
    overview_colleagues=5,
    overview_big=30,
    overview_runs=1,
    fanout=40,
)


@dataclass
class Outcome:
    """What the parts produced."""

    load: list[ConditionResult] | None = None
    documents: list[documents.Measurement] | None = None
    command: list[report_command.CommandRun] | None = None
    overview: list[overview_load.OverviewUnderLoad] | None = None
    fanout: fanout.FanOut | None = None

    def targets(self) -> list[tuple[str, Target]]:
        """Every target with the part it belongs to."""
        found: list[tuple[str, Target]] = []
        for result in self.load or []:
            found += [(result.condition.title, t) for t in result.targets()]
        found += [("documents", t) for t in documents.targets(self.documents or [])]
        found += [("report command", t) for t in report_command.targets(self.command or [])]
        if self.overview:
            found.append(("overview under load", overview_load.target(self.overview)))
        if self.fanout is not None:
            found += [("reminder fan-out", t) for t in fanout.targets(self.fanout)]
        return found


async def run(plan: Plan, parts: list[str], work: Path, progress: TextIO) -> Outcome:
    """Runs the chosen parts in order."""
    outcome = Outcome()
    if "load" in parts:
        outcome.load = await run_conditions(
            [c for c in CONDITIONS if c.key in plan.conditions],
            [c for c in CONTENDERS if c.key in plan.bots],
            colleagues=plan.colleagues,
            runs=plan.runs,
            work=work / "load",
            step_timeout=plan.step_timeout,
            progress=progress,
        )
    if "documents" in parts:
        outcome.documents = await documents.run_documents(
            list(plan.doc_sizes), list(documents.FORMATS), plan.doc_runs, progress
        )
    if "command" in parts:
        outcome.command = await report_command.run_report_command(
            work / "command", plan.command_colleagues, plan.command_runs, progress
        )
    if "overview" in parts:
        outcome.overview = await overview_load.run_overview_load(
            work / "overview",
            colleagues=plan.overview_colleagues,
            big=plan.overview_big,
            runs=plan.overview_runs,
            step_timeout=plan.step_timeout,
            progress=progress,
        )
    if "fanout" in parts:
        print(f"[fan-out] {plan.fanout} due reminders, capped at 30/s...", file=progress)
        outcome.fanout = await fanout.run_fanout(work / "fanout", plan.fanout)
        print(f"[fan-out] {outcome.fanout.sustained:.1f}/s", file=progress, flush=True)
    return outcome


HEADINGS = {
    "load": "Load: the three conditions",
    "documents": "The overview per format",
    "command": "`themabot report` as a whole command",
    "overview": "Replies while a coordinator's overview is compiled",
    "fanout": "Reminder fan-out",
}


def _block(provenance: str, method: str, tables: str) -> str:
    """A part's block: where and how it was measured, what it did, its tables."""
    return "\n".join([provenance, "", method, "", tables])


def sections(outcome: Outcome, plan: Plan, provenance: str) -> dict[str, str]:
    """Per part that ran: its provenance and tables, as Markdown (the body of its block)."""
    found: dict[str, str] = {}
    if outcome.load is not None:
        lines = [
            provenance,
            "",
            f"{plan.colleagues} colleagues, `/start TOKEN` and six answers each, closed loop. "
            + "; ".join(f"**{c.label}**: {c.what}" for c in CONTENDERS)
            + ".",
            "",
        ]
        for result in outcome.load:
            lines += [result.render(plan.runs).replace("### ", "#### ", 1), ""]
        found["load"] = "\n".join(lines)
    if outcome.documents is not None:
        found["documents"] = _block(
            provenance,
            f"Build + render, a fresh process per cell, median of {plan.doc_runs} "
            f"run{'s' * (plan.doc_runs != 1)}.",
            documents.render_table(outcome.documents),
        )
    if outcome.command is not None:
        found["command"] = _block(
            provenance,
            "The installed `themabot report --output FILE` on a round written through the "
            "store, each run a process of its own (start-up, imports, reading the round, "
            f"building, rendering, writing), formats in turn; median of {plan.command_runs} "
            f"run{'s' * (plan.command_runs != 1)} after one untimed run per format.",
            report_command.render_table(outcome.command),
        )
    if outcome.overview is not None:
        found["overview"] = _block(
            provenance,
            f"{plan.overview_colleagues} colleagues answer (loopback, "
            f"THEMABOT_SEND_RATE=0) while the coordinator asks `/overview xlsx` of a "
            f"{plan.overview_big:,}-colleague round; median of {plan.overview_runs} "
            f"run{'s' * (plan.overview_runs != 1)}.",
            overview_load.render_table(outcome.overview),
        )
    if outcome.fanout is not None:
        found["fanout"] = _block(
            provenance,
            f"{plan.fanout:,} due at once, 50 ms per call, 429 above 30 messages/s; one run.",
            fanout.render_table(outcome.fanout),
        )
    return found


def glance(outcome: Outcome) -> str:
    """Every target of the parts that ran, met or not."""
    targets = outcome.targets()
    if not targets:  # a quick run: the targets are for 100 colleagues at once and rounds of 1,000
        return (
            "### Targets at a glance: none judged (a quick run is too small for them;"
            " run without --quick to see each target met or not)"
        )
    met = sum(1 for _, t in targets if t.met)
    lines = [f"### Targets at a glance: {met} of {len(targets)} met", ""]
    lines += [f"- {part}: {t.line().removeprefix('- ')}" for part, t in targets]
    return "\n".join(lines)


def markdown(outcome: Outcome, plan: Plan, provenance: str) -> str:
    """What the terminal shows: every part's section under its heading, then the targets."""
    out = ["## Results", ""]
    for part, body in sections(outcome, plan, provenance).items():
        out += [f"### {HEADINGS[part]}", "", body, ""]
    return "\n".join([*out, glance(outcome)])


def as_json(outcome: Outcome, plan: Plan, info: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the run, JSON-able."""
    return {
        "machine": info,
        "plan": plan.__dict__,
        "load": [r.as_json() for r in outcome.load or []],
        "documents": documents.as_json(outcome.documents or []),
        "command": report_command.as_json(outcome.command or []),
        "overview": overview_load.as_json(outcome.overview or []),
        "fanout": fanout.as_json(outcome.fanout) if outcome.fanout else None,
        "targets": [{"part": p, **t.as_json()} for p, t in outcome.targets()],
    }


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    parser.add_argument("--runs", type=int, help="runs per bot and condition (default 3)")
    parser.add_argument("--colleagues", type=int, help="colleagues in the load (default 100)")
    parser.add_argument("--conditions", nargs="+", choices=[c.key for c in CONDITIONS])
    parser.add_argument("--bots", nargs="+", choices=[c.key for c in CONTENDERS])
    parser.add_argument("--doc-sizes", type=int, nargs="+", help="default 100 1000 5000")
    parser.add_argument("--fanout", type=int, help="due reminders (default 5000)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--write", type=Path, help=f"the Markdown file (default {DOCS})")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--work", type=Path, help="folder for databases and logs (kept)")
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    """The plan the arguments ask for."""
    plan = QUICK if args.quick else Plan()
    changes: dict[str, Any] = {}
    if args.runs:
        changes |= {
            "runs": args.runs,
            "overview_runs": args.runs,
            "doc_runs": args.runs,
            "command_runs": args.runs,
        }
    if args.colleagues:
        changes |= {"colleagues": args.colleagues, "overview_colleagues": args.colleagues}
    if args.conditions:
        changes["conditions"] = tuple(args.conditions)
    if args.bots:
        changes["bots"] = tuple(args.bots)
    if args.doc_sizes:
        changes["doc_sizes"] = tuple(args.doc_sizes)
    if args.fanout:
        changes["fanout"] = args.fanout
    return replace(plan, **changes)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark; prints the tables; writes docs/benchmarks.md for a full run."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    plan = plan_of(args)
    parts = list(args.only or PARTS)
    info = machine()
    started, clock = datetime.now(), time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="themabot-bench-"))
    print(f"benchmark files in {work}", file=sys.stderr, flush=True)
    try:
        outcome = asyncio.run(run(plan, parts, work, sys.stderr))
    except BaseException:
        print(f"failed; the bots' and stand-ins' logs are in {work}", file=sys.stderr)
        raise
    provenance = machine_lines(info, command_line(argv), started, time.perf_counter() - clock)
    text = markdown(outcome, plan, provenance)
    print(text)
    target = args.write or (None if args.quick or args.no_write else DOCS)
    if target is not None and not args.no_write:
        # One block per part: a part run on its own updates its figures and keeps the others.
        for part, body in sections(outcome, plan, provenance).items():
            replace_block(target, f"results:{part}", body)
        print(f"\nwritten to {target}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(as_json(outcome, plan, info), indent=2), encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
