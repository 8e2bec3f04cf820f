"""Reminder fan-out: thousands of colleagues due at once, against Telegram's sending cap.

A round of ``due`` colleagues (default 5,000) who joined on Monday 11 January 2027 and have not
started, written through the store contract. The bot's reminder run is
:func:`bot.reminders.run.run_reminders` at a working-day clock (Wednesday 20 January 2027,
10:00 in Amsterdam: everyone's first nudge is due), in this process, on the Application
``themabot run`` uses (:func:`bot.app.build_application`, default ``THEMABOT_SEND_RATE`` of
30), against the stand-in as a process of its own with 50 ms per call and 429 above 30
messages a second. The real process cannot be used here: its clock is the wall clock.

Reported from what the stand-in received: the sustained rate (reminders after the first,
over the time from the first to the last), duplicates (a chat that got more than one),
lost (a colleague due who got none), and the 429s. Targets: >= 90 % of the cap, 0 duplicates,
0 lost.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.contenders import TEMPLATE, TOKEN
from benchmarks.processes import folder
from benchmarks.server import Line, StandIn
from benchmarks.tables import Target, table
from bot.app import build_application
from bot.reminders.run import run_reminders
from bot.settings import Settings
from conversations.engine import Mode
from conversations.template import load_template
from storage import Store, open_store

__all__ = ["CAP", "FanOut", "render_table", "run_fanout"]

CAP = 30
LINE = Line(latency=0.05, cap=CAP)
JOINED = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # a Monday
NOW = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)  # Wednesday, 10:00 in Amsterdam
DEADLINE = date(2027, 3, 31)
FIRST_CHAT = 700_001
SHARE = 0.9  # of the cap, sustained


@dataclass(frozen=True)
class FanOut:
    """One reminder run, as the stand-in saw it."""

    due: int
    sent: int
    duplicates: int
    """Messages beyond the first in a chat."""
    lost: int
    refused: int
    first_to_last: float
    """Seconds from the first reminder to the last."""
    run_seconds: float
    """Seconds ``run_reminders`` took in all."""

    @property
    def sustained(self) -> float:
        """Reminders a second between the first and the last one."""
        return (self.sent - 1) / self.first_to_last if self.first_to_last > 0 else float("nan")


async def _seed(store: Store, due: int) -> list[int]:
    """A round with reminders on and ``due`` colleagues who joined and have not started."""
    template = load_template(TEMPLATE)
    async with store.write() as tx:
        round_ = await tx.create_round("Fan-out", template, DEADLINE, JOINED)
    chats = [FIRST_CHAT + i for i in range(due)]
    for start in range(0, due, 500):
        async with store.write() as tx:
            for chat in chats[start : start + 500]:
                invite, _ = await tx.create_invite(round_.id, f"Collega {chat}", ["thema"], JOINED)
                await tx.mark_invite_used(invite.id, chat, JOINED)
                await tx.create_participant(invite, chat, chat, "nl", Mode.ASKING, JOINED)
    return chats


async def run_fanout(work: Path, due: int) -> FanOut:
    """Seeds ``due`` colleagues, runs the reminders against the capped stand-in, counts."""
    folder(work)
    db = work / "themabot.db"
    store = await open_store(db)
    try:
        chats = await _seed(store, due)
    finally:
        await store.close()
    async with StandIn(LINE, work / "standin.log") as standin:
        await standin.register(chats)
        settings = Settings(
            _env_file=None,
            token=TOKEN,
            api_url=standin.base_url,
            file_url=standin.file_url,
            db=str(db),
            coordinators=[],
        )
        app = build_application(settings, clock=lambda: NOW, documents="thread")
        await app.initialize()
        try:
            assert app.post_init is not None
            await app.post_init(app)
            started = time.perf_counter()
            await run_reminders(app, now=NOW)
            run_seconds = time.perf_counter() - started
        finally:
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        sent = [(at, chat) for at, chat, _ in await standin.sent() if chat >= FIRST_CHAT]
        refused = await standin.refused()
    per_chat = collections.Counter(chat for _, chat in sent)
    times = sorted(at for at, _ in sent)
    return FanOut(
        due=due,
        sent=len(sent),
        duplicates=sum(n - 1 for n in per_chat.values() if n > 1),
        lost=sum(1 for chat in chats if per_chat[chat] == 0),
        refused=refused,
        first_to_last=times[-1] - times[0] if len(times) > 1 else 0.0,
        run_seconds=run_seconds,
    )


def targets(result: FanOut) -> list[Target]:
    """The fan-out targets."""
    share = result.sustained / CAP
    return [
        Target(
            f"sustained >= {SHARE:.0%} of the cap ({SHARE * CAP:g}/s)",
            f"{result.sustained:.1f}/s ({share:.0%})",
            share >= SHARE,
        ),
        Target("0 duplicates", str(result.duplicates), result.duplicates == 0),
        Target("0 lost", str(result.lost), result.lost == 0),
    ]


def render_table(result: FanOut) -> str:
    """The run as a table, and the targets."""
    header = [
        "due",
        "sent",
        "sustained /s",
        "first to last s",
        "run s",
        "duplicates",
        "lost",
        "429s",
    ]
    row = [
        f"{result.due:,}",
        f"{result.sent:,}",
        f"{result.sustained:.1f}",
        f"{result.first_to_last:.1f}",
        f"{result.run_seconds:.1f}",
        str(result.duplicates),
        str(result.lost),
        str(result.refused),
    ]
    return "\n".join([table(header, [row]), "", *(t.line() for t in targets(result))])


def as_json(result: FanOut) -> dict[str, Any]:
    """The run as JSON-able data."""
    return {
        "due": result.due,
        "sent": result.sent,
        "sustained": result.sustained,
        "first_to_last": result.first_to_last,
        "run_seconds": result.run_seconds,
        "duplicates": result.duplicates,
        "lost": result.lost,
        "refused": result.refused,
    }
