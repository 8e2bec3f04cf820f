"""Invites from a list of names: rows in, a plan or the bad rows out. Pure.

A coordinator keeps colleagues in a spreadsheet. Its first non-empty row names the columns (in
Dutch or English: ``naam``/``name``, ``thema's``/``themes``, optionally ``coördinator``); every
later row is one person. The whole list is checked before anything is made, so a list with one
bad row creates nobody, and a list made once can be given again: who is already in the round is
skipped, only new names get an invite.

Row numbers count as a spreadsheet does: the first row of the file is row 1.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Protocol

from msgspec import Struct

from conversations.answers import MAX_NAME_CHARS, clean_name, same_name
from conversations.template import Template

MAX_ROWS = 1000  # people in one list; more is not a list of colleagues

# Column titles as people write them, compared without case, accents, spaces or punctuation.
NAME_TITLES = frozenset(
    {"naam", "name", "collega", "colleague", "deelnemer", "participant", "medewerker", "fullname"}
    | {"volledigenaam", "voornaamachternaam"}
)
THEME_TITLES = frozenset({"themas", "thema", "themes", "theme", "onderwerpen", "onderwerp"})
COORDINATOR_TITLES = frozenset({"coordinator", "coordinatoren", "coordinators", "coord"})

_YES = frozenset({"ja", "j", "yes", "y", "x", "1", "true", "waar", "coordinator"})
_NO = frozenset({"nee", "n", "no", "0", "false", "onwaar"})
_MARKS = {"": False, "-": False, "✓": True, "✔": True}

# Themes in one cell are separated by commas, semicolons or line breaks.
_SEPARATOR = re.compile(r"([,;\n])")


class ListProblem(StrEnum):
    """Why a list cannot be read as a list of people at all."""

    EMPTY = "empty"  # no row with anything in it
    NO_NAME_COLUMN = "no_name_column"
    NO_THEMES_COLUMN = "no_themes_column"
    DUPLICATE_COLUMN = "duplicate_column"  # two columns for the same thing
    TOO_MANY_ROWS = "too_many_rows"


class ListError(Exception):
    """The list as a whole is unusable; ``columns`` are the titles found in its first row."""

    def __init__(self, problem: ListProblem, columns: Sequence[str] = (), value: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.columns = tuple(columns)
        self.value = value


class RowProblem(StrEnum):
    """What is wrong with one row."""

    EMPTY_NAME = "empty_name"
    NAME_TOO_LONG = "name_too_long"
    UNKNOWN_THEME = "unknown_theme"
    DUPLICATE_NAME = "duplicate_name"  # the same name (and role) on an earlier row
    BAD_COORDINATOR = "bad_coordinator"  # neither yes nor no in the coordinator column
    COORDINATOR_THEMES = "coordinator_themes"  # a coordinator answers no questions


class RowError(Struct, frozen=True):
    """One bad row: what is wrong and the value that is wrong, as written."""

    row: int
    problem: RowProblem
    value: str = ""
    other_row: int | None = None  # DUPLICATE_NAME: the row where the name came first
    suggestion: str | None = None  # UNKNOWN_THEME: the theme key it is probably meant to be


class PlannedInvite(Struct, frozen=True):
    """A person on the list who gets an invite."""

    row: int
    name: str
    theme_keys: tuple[str, ...]  # in template order; empty: the colleague picks
    coordinator: bool = False


class AlreadyInvited(Struct, frozen=True):
    """A person on the list who already has a place in the round: skipped, not an error."""

    row: int
    name: str
    invite_id: int
    themes_differ: bool = False  # the list names other themes: only `assign` changes those


class InvitePlan(Struct, frozen=True):
    """What a list asks for. Usable only when ``errors`` is empty; then nothing is left out."""

    new: tuple[PlannedInvite, ...] = ()
    already: tuple[AlreadyInvited, ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class Placed(Protocol):
    """Someone with a place in the round (a roster entry)."""

    @property
    def name(self) -> str: ...

    @property
    def coordinator(self) -> bool: ...

    @property
    def invite_id(self) -> int: ...

    @property
    def theme_keys(self) -> tuple[str, ...]: ...


def column_key(title: str) -> str:
    """Returns a column title as compared: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if c.isalnum())


class _Columns(Struct, frozen=True):
    name: int
    themes: int
    coordinator: int | None


def _columns(header: Sequence[str]) -> _Columns:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = column_key(title)
        for kind, titles in (
            ("name", NAME_TITLES),
            ("themes", THEME_TITLES),
            ("coordinator", COORDINATOR_TITLES),
        ):
            if key in titles:
                if kind in found:
                    raise ListError(ListProblem.DUPLICATE_COLUMN, header, title.strip())
                found[kind] = index
    shown = [t.strip() for t in header if t.strip()]
    if "name" not in found:
        raise ListError(ListProblem.NO_NAME_COLUMN, shown)
    if "themes" not in found:
        raise ListError(ListProblem.NO_THEMES_COLUMN, shown)
    return _Columns(found["name"], found["themes"], found.get("coordinator"))


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def match_themes(cell: str, template: Template) -> tuple[list[str], list[str]]:
    """Returns (theme keys, unknown parts) for a cell of theme keys or titles.

    Parts are separated by commas, semicolons or line breaks; a title that itself holds a
    comma still matches as a whole. Keys and titles match in any case and spacing.
    """
    pieces = _SEPARATOR.split(cell)  # text, separator, text, ...
    words = pieces[0::2]
    glue = pieces[1::2]
    keys: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words) - 1, i - 1, -1):  # the longest run that names a theme
            text = "".join(words[k] + glue[k] for k in range(i, j)) + words[j]
            key = _theme(text, template)
            if key is not None:
                keys.append(key)
                i = j + 1
                break
        else:
            if clean_name(words[i]):
                unknown.append(clean_name(words[i]))
            i += 1
    return keys, unknown


def _theme(text: str, template: Template) -> str | None:
    wanted = clean_name(text).casefold()
    if not wanted:
        return None
    key = template.theme_key(wanted)
    if key is not None:
        return key
    return next((t.key for t in template.themes if clean_name(t.title).casefold() == wanted), None)


def near_theme(text: str, template: Template) -> str | None:
    """Returns the key of the theme ``text`` is probably a typo of, or None."""
    choices = {t.key.casefold(): t.key for t in template.themes}
    choices.update({clean_name(t.title).casefold(): t.key for t in template.themes})
    close = difflib.get_close_matches(clean_name(text).casefold(), choices, n=1, cutoff=0.75)
    return choices[close[0]] if close else None


def _flag(cell: str) -> bool | None:
    """Reads the coordinator column: yes, no (or empty), or None for anything else."""
    if cell.strip() in _MARKS:
        return _MARKS[cell.strip()]
    key = column_key(cell)
    return True if key in _YES else False if key in _NO else None


def plan_invites(
    rows: Sequence[Sequence[str]], template: Template, placed: Iterable[Placed]
) -> InvitePlan:
    """Checks a whole list against the round and returns what to do, or every bad row.

    ``rows`` are the file's rows as text, the first non-empty one the header; ``placed`` is
    who already has a place in the round. Raises ListError when the list cannot be read as
    people at all (no header with a name and a themes column, too many rows).
    """
    numbered = [
        (n, [c.strip() for c in r])
        for n, r in enumerate(rows, start=1)
        if any(c.strip() for c in r)
    ]
    if not numbered:
        raise ListError(ListProblem.EMPTY)
    (_, header), people = numbered[0], numbered[1:]
    columns = _columns(header)
    if len(people) > MAX_ROWS:
        raise ListError(ListProblem.TOO_MANY_ROWS, header, str(len(people)))
    present = list(placed)
    seen: dict[tuple[str, bool], int] = {}  # (casefolded name, coordinator) -> first row
    new: list[PlannedInvite] = []
    already: list[AlreadyInvited] = []
    errors: list[RowError] = []
    for number, row in people:
        found = _row(number, row, columns, template, errors)
        if found is None:
            continue
        name, keys, coordinator = found
        first = seen.setdefault((name.casefold(), coordinator), number)
        if first != number:
            errors.append(RowError(number, RowProblem.DUPLICATE_NAME, name, other_row=first))
            continue
        holder = next(
            (p for p in present if p.coordinator == coordinator and same_name(p.name, name)),
            None,
        )
        if holder is not None:
            differ = not coordinator and set(keys) != set(holder.theme_keys)
            already.append(AlreadyInvited(number, name, holder.invite_id, themes_differ=differ))
        else:
            new.append(PlannedInvite(number, name, tuple(keys), coordinator))
    if errors:
        return InvitePlan(errors=tuple(errors))
    return InvitePlan(tuple(new), tuple(already))


def _row(
    number: int,
    row: Sequence[str],
    columns: _Columns,
    template: Template,
    errors: list[RowError],
) -> tuple[str, list[str], bool] | None:
    """Reads one person; appends what is wrong to ``errors`` and returns None if anything is."""
    before = len(errors)
    raw_name = _cell(row, columns.name)
    themes_cell = _cell(row, columns.themes)
    name = clean_name(raw_name)
    if not name:
        errors.append(RowError(number, RowProblem.EMPTY_NAME, themes_cell))
    elif len(name) > MAX_NAME_CHARS:
        errors.append(RowError(number, RowProblem.NAME_TOO_LONG, name[:40] + "…"))
    flag_cell = _cell(row, columns.coordinator)
    coordinator = _flag(flag_cell)
    if coordinator is None:
        errors.append(RowError(number, RowProblem.BAD_COORDINATOR, flag_cell))
        coordinator = False
    keys, unknown = match_themes(themes_cell, template)
    for part in unknown:
        errors.append(
            RowError(number, RowProblem.UNKNOWN_THEME, part, suggestion=near_theme(part, template))
        )
    if coordinator and (keys or unknown):
        errors.append(RowError(number, RowProblem.COORDINATOR_THEMES, themes_cell))
    if len(errors) > before:
        return None
    return name, template.in_order(keys), coordinator
