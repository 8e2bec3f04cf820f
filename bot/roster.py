"""One person, one place in a round: finding who a name means, inviting, adding themes.

The command line and the chat share these, so `invite`, `/invite`, `assign`, `/assign` and a
list of names follow the same rules: a name already in the round (invited or taking part) gets
no second invite; more themes go to the colleague who is there; where two names still clash
(two spellings, or a list from before this rule), the invite id that `progress` shows tells
them apart. What a colleague is told about a change is queued in the outbox, on the bulk lane
within working hours, and sent by the running bot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from msgspec import Struct

from bot import callbacks
from bot.callbacks import Action
from bot.links import deep_link
from bot.roster_files import MAX_BYTES, ListFileError
from conversations.answers import MAX_NAME_CHARS, same_name
from conversations.invite_plan import (
    MAX_ROWS,
    InvitePlan,
    ListError,
    PlannedInvite,
    RowError,
    RowProblem,
)
from conversations.reminders import WorkingCalendar
from conversations.texts import Catalogue, catalogue, os_reason
from reports.invite_list import InviteList, IssuedInvite
from storage import Writer
from storage.records import Invite, Keyboard, Lane, Letter, Participant, RosterEntry, Round

# An invite id as `progress` shows it ("#12"), or bare ("12") where no name reads so.
_INVITE_ID = re.compile(r"^#?\s*(\d{1,12})$")


def find(
    entries: Iterable[RosterEntry], who: str, *, coordinator: bool = False
) -> list[RosterEntry]:
    """Returns the entries ``who`` means: those of that name (any case and spacing), else the
    one with that invite id ("#12" or "12"). Coordinator invites only with ``coordinator``."""
    mine = [e for e in entries if e.coordinator == coordinator]
    named = [e for e in mine if same_name(e.name, who)]
    if named:
        return named
    match = _INVITE_ID.match(who.strip())
    if match is None:
        return []
    return [e for e in mine if e.invite_id == int(match.group(1))]


def holder(
    entries: Iterable[RosterEntry], name: str, *, coordinator: bool = False
) -> RosterEntry | None:
    """Returns who already holds this name in the round (in the same role), or None."""
    return next(
        (e for e in entries if e.coordinator == coordinator and same_name(e.name, name)), None
    )


class Issued(Struct, frozen=True):
    """An invite just made, with its token (the only time the token exists)."""

    invite: Invite
    token: str


async def issue(
    tx: Writer, round_: Round, planned: Sequence[PlannedInvite], now: datetime
) -> list[Issued]:
    """Creates the planned invites, in list order, inside the caller's transaction."""
    issued = []
    for person in planned:
        invite, token = await tx.create_invite(
            round_.id,
            person.name,
            round_.template.in_order(person.theme_keys),
            now,
            coordinator=person.coordinator,
        )
        issued.append(Issued(invite, token))
    return issued


def invite_list(
    round_: Round, planned: Sequence[PlannedInvite], issued: Sequence[Issued], username: str | None
) -> InviteList:
    """The invites just made from a list, as the list of links and the sheet show them."""
    return InviteList(
        round_.name,
        round_.deadline,
        tuple(
            IssuedInvite(
                person.name,
                tuple(theme_titles(round_, [key]) for key in made.invite.theme_keys),
                made.token,
                deep_link(username, made.token),
                person.coordinator,
            )
            for person, made in zip(planned, issued, strict=True)
        ),
        username,
    )


class Assignment(Struct, frozen=True):
    """What ``assign`` did for one colleague."""

    entry: RosterEntry
    theme_keys: tuple[str, ...]  # all their themes now, in template order
    added: tuple[str, ...]  # the new ones; empty when they had them all already
    told: bool = False  # a message to the colleague is queued


async def assign(
    tx: Writer,
    round_: Round,
    entry: RosterEntry,
    theme_keys: Iterable[str],
    now: datetime,
    calendar: WorkingCalendar,
) -> Assignment:
    """Adds themes to a colleague in the round; tells them in the chat once they have joined.

    An invite nobody opened yet gets the themes itself: they come with the link.
    """
    keys = tuple(round_.template.in_order([*entry.theme_keys, *theme_keys]))
    added = tuple(k for k in keys if k not in entry.theme_keys)
    if not added:
        return Assignment(entry, entry.theme_keys, ())
    if entry.participant_id is None:
        await tx.set_invite_themes(entry.invite_id, keys)
        return Assignment(entry, keys, added)
    await tx.set_themes(entry.participant_id, keys)
    participant = await tx.participant(entry.participant_id)
    if participant is None or participant.unreachable_at is not None:
        return Assignment(entry, keys, added)
    t = catalogue(participant.language)
    text = t("themes_assigned", round=round_.name, themes=theme_titles(round_, added))
    await tx.queue_messages(
        participant.chat_id,
        [Letter(text, continue_keyboard(participant))],
        Lane.BULK,
        now,
        not_before=working_moment(round_, now, calendar),
    )
    return Assignment(entry, keys, added, told=True)


async def join_again(
    tx: Writer, round_: Round, participant: Participant, invite: Invite, now: datetime
) -> tuple[str, ...]:
    """Takes in a second invite opened by someone already in the round (invited twice, maybe
    under another spelling): its themes become theirs and it counts as used. Returns the
    themes that are new to them."""
    keys = tuple(round_.template.in_order([*participant.theme_keys, *invite.theme_keys]))
    added = tuple(k for k in keys if k not in participant.theme_keys)
    if added:
        await tx.set_themes(participant.id, keys)
    await tx.mark_invite_used(invite.id, participant.user_id, now)
    return added


def theme_titles(round_: Round, keys: Iterable[str]) -> str:
    """Returns the titles of themes, comma-separated, as colleagues know them."""
    titles = (round_.template.theme(k) for k in keys)
    return ", ".join(theme.title for theme in titles if theme is not None)


def continue_keyboard(participant: Participant) -> Keyboard:
    """The one button under a message about the intake: go on where you are."""
    label = catalogue(participant.language).button("continue")
    return (((label, callbacks.make(Action.CONTINUE, participant.id)),),)


def working_moment(round_: Round, now: datetime, calendar: WorkingCalendar) -> datetime:
    """Returns when a bulk message about the round may go out: now in working hours, else the
    next working morning (at the round's reminder hour)."""
    return calendar.next_working_moment(now, round_.template.reminders.hour)


# --- what is wrong with a list, in words (plain text: the chat escapes it) ---------------


def list_error_text(t: Catalogue, exc: ListError, filename: str) -> str:
    """A list that is no list of people, in one line (plain text)."""
    return t.label(
        f"list_{exc.problem.value}",
        file=filename,
        columns=", ".join(exc.columns) or "-",
        value=exc.value,
        limit=MAX_ROWS,
    )


def row_error_text(t: Catalogue, error: RowError) -> str:
    """One bad row in one line (plain text), naming its number and the bad value."""
    key = f"row_{error.problem.value}"
    if error.suggestion:
        key += "_near"
    return t.label(
        key,
        row=error.row,
        value=error.value,
        other=error.other_row or 0,
        suggestion=error.suggestion or "",
        limit=MAX_NAME_CHARS,
    )


def file_error_text(t: Catalogue, exc: ListFileError) -> str:
    """A file that cannot be read, in one line (plain text)."""
    return t.label(
        f"file_{exc.problem.value}",
        file=exc.name,
        detail=os_reason(exc.cause, t) if exc.cause is not None else exc.detail,
        limit=f"{MAX_BYTES // (1024 * 1024)} MB",
    )


def refused(t: Catalogue, plan: InvitePlan, round_: Round, filename: str) -> list[str]:
    """The lines that say why nobody was invited: every bad row, then the known themes."""
    lines = [t.label("list_refused", count=len(plan.errors), file=filename)]
    lines += [f"  {row_error_text(t, error)}" for error in plan.errors]
    if any(e.problem is RowProblem.UNKNOWN_THEME for e in plan.errors):
        keys = ", ".join(f"{th.key} ({th.title})" for th in round_.template.themes)
        lines.append(t.label("list_known_themes", themes=keys))
    lines.append(t.label("list_fix_and_retry"))
    return lines
