"""The bots under test, each started as a real process against a stand-in.

* ``themabot``: ``python -m bot run``, configured as a user would (``THEMABOT_*``), with a
  round made by the real CLI: ``themabot round create --template benchmarks/intake.toml`` and
  ``themabot invite --from colleagues.csv``; each colleague starts with their own token.
* ``ptb`` and ``aiogram``: the reference scripts in :mod:`benchmarks.references`; any
  ``/start X`` starts their intake.

:func:`prepare` makes a contender's working files in a fresh folder and returns the command
that runs it and each colleague's ``/start`` message.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.processes import PYTHON, ROOT, folder, run_command
from benchmarks.server import StandIn

__all__ = ["CONTENDERS", "TEMPLATE", "Contender", "Prepared", "available", "prepare"]

TEMPLATE = ROOT / "benchmarks" / "intake.toml"
TOKEN = "123456:benchmark-token"
REFERENCES = ROOT / "benchmarks" / "references"


@dataclass(frozen=True)
class Contender:
    """One bot of the comparison."""

    key: str
    label: str
    what: str
    """What it is, for the report."""
    needs: str | None = None
    """A module that must be importable (an optional extra), or None."""


CONTENDERS = (
    Contender("themabot", "themabot", "`themabot run` (this checkout), durable"),
    Contender(
        "ptb",
        "PTB reference",
        "python-telegram-bot: ConversationHandler + PicklePersistence, sequential",
    ),
    Contender(
        "aiogram",
        "aiogram reference",
        "aiogram 3: FSM in MemoryStorage, updates as concurrent tasks",
        needs="aiogram",
    ),
)


def available(contender: Contender) -> bool:
    """Whether the contender can run here (aiogram comes with the ``bench`` extra)."""
    return contender.needs is None or importlib.util.find_spec(contender.needs) is not None


@dataclass
class Prepared:
    """How to run a prepared contender, and how each colleague starts."""

    argv: list[str]
    env: dict[str, str]
    starts: list[str]
    """The first message of colleague 0, 1, ...: ``/start TOKEN``."""
    cwd: Path
    """Where it runs: its own folder, so no ``.env`` of the checkout is read."""


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THEMABOT_")}
    # PTB 22 warns about RetryAfter's type unless told; the bots' logs stay readable.
    env["PTB_TIMEDELTA"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    return env


def themabot_env(
    work: Path, standin: StandIn, send_rate: float, coordinators: str = ""
) -> dict[str, str]:
    """``themabot``'s settings for a run in ``work`` against ``standin``."""
    return {
        **_base_env(),
        "THEMABOT_TOKEN": TOKEN,
        "THEMABOT_API_URL": standin.base_url,
        "THEMABOT_FILE_URL": standin.file_url,
        "THEMABOT_DB": str(work / "themabot.db"),
        "THEMABOT_SEND_RATE": f"{send_rate:g}",
        "THEMABOT_COORDINATORS": coordinators,
    }


async def themabot_round(env: dict[str, str], work: Path, colleagues: int) -> list[str]:
    """Creates the benchmark round and invites ``colleagues`` from a CSV file, with the real
    CLI; returns their tokens in list order."""
    deadline = (date.today() + timedelta(days=90)).isoformat()
    cli = [PYTHON, "-m", "bot"]
    create = ["round", "create", "--name", "Benchmark", "--template", str(TEMPLATE)]
    create += ["--deadline", deadline, "--no-reminders", "--json"]
    created = await run_command([*cli, *create], env, cwd=work)
    round_id = str(json.loads(created)["round"])
    people = work / "colleagues.csv"
    with people.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["naam", "thema's"])
        writer.writerows([f"Collega {i + 1}", "thema"] for i in range(colleagues))
    invite = ["invite", "--round", round_id, "--from", str(people)]
    invite += ["--output", str(work / "links.csv"), "--json"]
    invited = await run_command([*cli, *invite], env, cwd=work)
    by_name = {c["name"]: c["token"] for c in json.loads(invited)["created"]}
    return [by_name[f"Collega {i + 1}"] for i in range(colleagues)]


async def prepare(
    contender: Contender, work: Path, standin: StandIn, colleagues: int, send_rate: float
) -> Prepared:
    """Makes the contender's files in ``work``; returns how to run it."""
    folder(work)
    questions = ["--questions", str(TEMPLATE)]
    if contender.key == "themabot":
        env = themabot_env(work, standin, send_rate)
        tokens = await themabot_round(env, work, colleagues)
        argv = [PYTHON, "-m", "bot", "run"]
        return Prepared(argv, env, [f"/start {token}" for token in tokens], work)
    starts = [f"/start bench{i + 1}" for i in range(colleagues)]
    if contender.key == "ptb":
        argv = [PYTHON, str(REFERENCES / "ptb_bot.py"), "--token", TOKEN]
        argv += ["--base-url", standin.base_url, "--persistence", str(work / "ptb.pickle")]
        return Prepared(argv + questions, _base_env(), starts, work)
    if contender.key == "aiogram":
        argv = [PYTHON, str(REFERENCES / "aiogram_bot.py"), "--token", TOKEN]
        argv += ["--api-base", standin.api_root]
        return Prepared(argv + questions, _base_env(), starts, work)
    raise ValueError(f"unknown contender {contender.key!r}")
