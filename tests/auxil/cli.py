"""Running `themabot` in-process as tests/bot/test_cli.py does, with a clock of the test's own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.cli import main
from conversations.state import Mode
from storage import Writer, open_store

# Friday 27 November 2026, 10:00 in Amsterdam: a working morning.
MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
T = TypeVar("T")


class Cli:
    """`themabot` as a test runs it: fixed clock, one prog name for hints, captured output."""

    def __init__(self, capsys: Any, db: Path, clock: datetime = MORNING) -> None:
        self.capsys = capsys
        self.db = db
        self.clock = clock
        self.prog = ".venv/bin/themabot"

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        """Runs a command; returns (exit code, stdout, stderr)."""
        code = main(list(argv), prog=self.prog, clock=lambda: self.clock)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code == 0, err
        assert "Traceback" not in err
        return out

    def json(self, *argv: str) -> Any:
        return json.loads(self.ok(*argv, "--json"))

    def fails(self, *argv: str) -> str:
        """Runs a command that must fail in one friendly way; returns its stderr."""
        code, _out, err = self(*argv)
        assert code == 2, err
        assert "Traceback" not in err and err.startswith("themabot: ")
        return err

    def store(self, work: Callable[[Writer], Coroutine[Any, Any, T]]) -> T:
        """Runs ``work`` in one write transaction on the same database."""

        async def go() -> T:
            store = await open_store(self.db)
            try:
                async with store.write() as tx:
                    return await work(tx)
            finally:
                await store.close()

        return asyncio.run(go())

    def join(self, invite_id: int, user_id: int) -> int:
        """Lets the colleague of an invite open it, as /start TOKEN does; returns the
        participant id."""

        async def work(tx: Writer) -> int:
            invites = [i for r in await tx.list_rounds() for i in await tx.invites(r.id)]
            invite = next(i for i in invites if i.id == invite_id)
            await tx.mark_invite_used(invite.id, user_id, self.clock)
            joined = await tx.create_participant(
                invite, user_id, user_id, "nl", Mode.ASKING, self.clock
            )
            return joined.id

        return self.store(work)

    def remember_username(self, username: str = "leiden_ivp_bot") -> None:
        async def work(tx: Writer) -> None:
            await tx.set_meta("bot_username", username)

        self.store(work)
