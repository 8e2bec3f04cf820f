"""What every command shares: the console (texts, hints, JSON), errors, names, rounds, files.

A message is the catalogue's ``[cli]`` text in THEMABOT_LANGUAGE. A problem the user can fix
is a CliError: one line (a list of bad rows: one line each), exit code 2, never a traceback.
Hints name the command as the user ran it (``.venv/bin/themabot``, ``python -m bot``).
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

from bot.settings import Settings
from conversations.texts import Catalogue, catalogue, os_reason
from storage import Reader
from storage.records import Actor, ActorRole, Round

# Set by ``bot.cli.entry`` (the console script), which ends the process with os._exit: what a
# command hands to ``keep_until_exit`` is then left for the operating system to free at once.
leaving_at_once = False
_kept: list[object] = []


def keep_until_exit(*objects: object) -> None:
    """Leaves large objects alive until the process ends, when it ends right after the command.

    Freeing a 1,000-colleague round and its overview object by object, and the cycle
    collection that then walks them, took 0.07 s of ``themabot report``; os._exit frees the
    memory in one go. Called from anywhere else (tests, a library user) this does nothing:
    the objects go as usual.
    """
    if leaving_at_once:
        _kept.extend(objects)
        gc.freeze()  # and the collector no longer walks them either


PROGRAM = "themabot"  # errors start with it, whatever the command was called


class CliError(Exception):
    """A problem the user can fix; printed as is after ``themabot:``, exit code 2."""

    def __init__(self, message: str, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.data = data  # printed as JSON on stdout instead when the command has --json


def command_name(argv0: str, executable: str, cwd: Path) -> str:
    """Returns how the user started themabot, for hints: ``.venv/bin/themabot``, ``themabot``
    when that is what PATH finds, or ``<python> -m bot``."""
    started = Path(argv0)
    if started.name == "__main__.py" and started.parent.name == "bot":
        return f"{_as_typed(Path(executable), cwd)} -m bot"
    if not started.is_absolute():
        return argv0 or PROGRAM
    return _as_typed(started, cwd)


def _as_typed(program: Path, cwd: Path) -> str:
    """The shortest way to name a program file: its name when PATH finds that very file (not a
    link to it: a venv's python is not the system's), else its path, below ``cwd`` relative."""
    found = shutil.which(program.name)
    if found and Path(found).absolute() == program.absolute():
        return program.name
    if program.is_absolute():
        try:
            program = program.relative_to(cwd)
        except ValueError:
            return str(program)
    typed = str(program)
    return typed if os.sep in typed else os.path.join(".", typed)


@dataclass
class Console:
    """Where a command speaks: its texts, the command's name for hints, and --json."""

    settings: Settings
    prog: str = PROGRAM
    as_json: bool = False
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        """The time now (tests pass a clock of their own)."""
        return self.clock()

    @property
    def t(self) -> Catalogue:
        return catalogue(self.settings.language)

    def text(self, key: str, /, **params: object) -> str:
        """Returns a ``[cli]`` text; ``{prog}`` in it is the command as the user ran it."""
        return self.t.cli(key, prog=self.prog, **params)

    def say(self, key: str, /, **params: object) -> None:
        """Prints a ``[cli]`` text (not with --json: then only the JSON is printed)."""
        if not self.as_json:
            print(self.text(key, **params))

    def line(self, text: str) -> None:
        """Prints a line of data (not with --json)."""
        if not self.as_json:
            print(text)

    def json(self, data: object) -> None:
        """Prints data as one line of JSON (only with --json)."""
        if self.as_json:
            print(json.dumps(data, ensure_ascii=False, default=_json_default))

    def fail(self, key: str, /, **params: object) -> NoReturn:
        """Stops the command with a ``[cli]`` text as its one-line error."""
        raise CliError(self.text(key, **params))

    def check_docx_template(self, path: Path, source: str) -> None:
        """Stops the command when the house-style template at ``path`` cannot be used, naming
        where it came from (``--docx-template`` or ``THEMABOT_DOCX_TEMPLATE``)."""
        from reports.render import DocxTemplateError, check_docx_template

        try:
            check_docx_template(path)
        except DocxTemplateError as exc:
            detail = os_reason(exc.cause, self.t) if exc.cause is not None else exc.detail
            self.fail(f"docx_template_{exc.reason}", source=source, file=exc.path, detail=detail)

    def date(self, day: date | None) -> str:
        """A date as a reader of the language writes it, or "-"."""
        return self.t.date(day) if day else "-"


def _json_default(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(type(value).__name__)


def operator() -> Actor:
    """Who runs the command line, as the audit trail records them: their login name."""
    try:
        name: str | None = getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a user entry)
        name = None
    return Actor(ActorRole.COMMAND_LINE, name=name)


def quoted(text: str) -> str:
    """Returns text as it is typed in a shell command: quoted when it needs to be."""
    return shlex.quote(text)


def checked_name(console: Console, text: str, what: str) -> str:
    """Returns the cleaned --name, or stops when it is empty or too long. ``what`` is the
    ``[cli]`` key of the word for what is named (``what_round``, ...)."""
    from conversations.answers import MAX_NAME_CHARS, clean_name

    name = clean_name(text)
    noun = console.text(what)
    if not name:
        console.fail("name_empty", what=noun)
    if len(name) > MAX_NAME_CHARS:
        console.fail("name_too_long", what=noun, length=len(name), limit=MAX_NAME_CHARS)
    return name


async def the_round(console: Console, tx: Reader, round_id: int) -> Round:
    """Returns the round, or stops naming the command that lists them."""
    round_ = await tx.get_round(round_id)
    if round_ is None:
        console.fail("no_round", round=round_id)
    return round_


async def open_round(console: Console, tx: Reader, round_id: int) -> Round:
    """Returns the round, or stops when there is none or it is closed (nobody can be invited,
    given themes or moved to another deadline in a closed round)."""
    round_ = await the_round(console, tx, round_id)
    if round_.closed:
        console.fail("round_closed_refused", round=round_.id)
    return round_


def day_option(console: Console, option: str, typed: str) -> date:
    """Reads a date option (2027-03-12, or day first: 12-3-2027), or stops saying how."""
    from conversations.deadlines import parse_day

    day = parse_day(typed)
    if day is None:
        console.fail("date_unreadable", option=option, typed=typed)
    return day


def check_deadline(console: Console, option: str, deadline: date, moment: datetime) -> None:
    """Stops when ``deadline`` cannot be a round's last day to answer now."""
    from conversations.deadlines import CLOSING_HOUR, DeadlineProblem, deadline_problem

    problem = deadline_problem(deadline, moment, console.settings.zone)
    if problem is DeadlineProblem.PAST:
        console.fail("deadline_past", option=option, deadline=console.date(deadline))
    if problem is DeadlineProblem.TODAY_TOO_LATE:
        console.fail("deadline_too_late", option=option, hour=CLOSING_HOUR)


# --- files -----------------------------------------------------------------------------


def output_file(
    console: Console,
    typed: str,
    kinds: Mapping[str, str],
    *,
    chosen: str | None = None,
    default_kind: str,
    default_name: Callable[[str], str],
) -> tuple[Path, str]:
    """Returns where to write and in which kind (format), from ``--output`` as typed (a final
    slash means a folder) and a ``--format``.

    ``kinds`` maps file extensions to kinds. An existing folder gets ``default_name(kind)`` in
    it. Otherwise the extension says the kind; a ``chosen`` kind that contradicts it, an
    extension that says none, and a folder that does not exist (never created here) stop the
    command with one line.
    """
    known = ", ".join(sorted(set(kinds)))
    path = Path(typed)
    if path.is_dir():
        kind = chosen or default_kind
        return path / default_name(kind), kind
    if typed.endswith((os.sep, "/")):
        # A folder was meant: one that is not there, or a file of that name.
        console.fail("output_not_a_folder" if path.exists() else "output_no_folder", folder=typed)
    suffix = path.suffix.lower()
    if not suffix:
        console.fail("output_no_suffix", path=typed, suffixes=known)
    if suffix not in kinds:
        console.fail("output_unknown_suffix", path=typed, suffix=suffix, suffixes=known)
    kind = kinds[suffix]
    if chosen is not None and chosen != kind:
        console.fail("output_contradicts", path=typed, format=chosen, suffix=suffix, kind=kind)
    folder = path.parent
    if not folder.exists():
        console.fail("output_no_folder", folder=str(folder))
    if not folder.is_dir():
        console.fail("output_not_a_folder", folder=str(folder))
    return path, kind


def write_file(console: Console, path: Path, data: bytes) -> None:
    """Writes a file whole or not at all (a temporary file renamed into place)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        console.fail("output_not_writable", path=str(path), reason=os_reason(exc, console.t))


def stderr(text: str) -> None:
    print(text, file=sys.stderr)
