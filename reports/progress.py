"""Progress of a round: per colleague and per theme. Pure: a RoundSnapshot in, a model out.

Each colleague is counted by :func:`conversations.progress.count_progress`, the count the
chat's /status and the reminders use; /progress, ``themabot progress``, the reminder digest,
the overview documents and their chat summary all show the categories of this one model,
in the same words (the ``progress_*`` labels of the catalogue).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from msgspec import Struct

from conversations.progress import Category, Progress, count_progress
from conversations.texts import Catalogue
from storage.records import Kept, RoundSnapshot


class ColleagueProgress(Struct, frozen=True):
    """One colleague (or an invite nobody opened yet) and their count."""

    name: str
    progress: Progress
    invited_at: datetime  # when the invite was made
    unreachable: bool = False
    invite_id: int | None = None  # "#12": names a colleague where two names clash


class WithdrawnColleague(Struct, frozen=True):
    """A colleague whose input was withdrawn: a name and when, nothing of what they gave."""

    name: str
    invite_id: int | None
    withdrawn_at: datetime | None


class ThemeProgress(Struct, frozen=True):
    key: str
    title: str
    contributors: int
    unanswered: tuple[str, ...]  # texts of questions nobody answered yet


class RoundProgress(Struct, frozen=True):
    round_id: int
    round_name: str
    colleagues: tuple[ColleagueProgress, ...]
    themes: tuple[ThemeProgress, ...]
    withdrawn: tuple[WithdrawnColleague, ...] = ()  # not counted in any category
    closed_at: datetime | None = None
    purged_at: datetime | None = None
    kept: Kept | None = None  # a purged round: how many took part, nobody's name

    def counts(self) -> dict[Category, int]:
        """Returns how many colleagues are in each category, in Category order, non-zero only."""
        found = [c.progress.category for c in self.colleagues]
        return {k: n for k in Category if (n := found.count(k))}

    def to_json(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "round": self.round_id,
            "name": self.round_name,
            # Every category, also those with nobody: a script need not know which may be absent.
            "counts": {k.value: counts.get(k, 0) for k in Category},
            "colleagues": [
                {
                    "name": c.name,
                    "state": c.progress.state.value,
                    "category": c.progress.category.value,
                    "answered": c.progress.answered,
                    "total": c.progress.total,
                    "open_required": c.progress.open_required,
                    "unreachable": c.unreachable,
                    "invite_opened": not c.progress.invited_only,
                    "invite": c.invite_id,
                }
                for c in self.colleagues
            ],
            "themes": [
                {
                    "key": t.key,
                    "title": t.title,
                    "contributors": t.contributors,
                    "unanswered": list(t.unanswered),
                }
                for t in self.themes
            ],
            "withdrawn": [
                {
                    "name": w.name,
                    "invite": w.invite_id,
                    "at": w.withdrawn_at.isoformat() if w.withdrawn_at else None,
                }
                for w in self.withdrawn
            ],
            "closed": self.closed_at.isoformat() if self.closed_at else None,
            "purged": self.purged_at.isoformat() if self.purged_at else None,
            "kept": {"colleagues": self.kept.colleagues, "submitted": self.kept.submitted}
            if self.kept
            else None,
        }


class ProgressLine(NamedTuple):
    """The round's progress in words: "Deelnemers: 4" and the non-zero categories."""

    head: str
    counts: tuple[str, ...]  # e.g. "1 klaar, nog niet ingestuurd", in Category order

    @property
    def text(self) -> str:
        """Returns the line as plain text: "Deelnemers: 4 — 1 ingestuurd · 1 bezig"."""
        return " — ".join([self.head, " · ".join(self.counts)] if self.counts else [self.head])


def counts_in_words(progress: RoundProgress, t: Catalogue) -> dict[Category, str]:
    """Returns the non-zero categories with their count in words, e.g. "2 bezig" (plain text)."""
    return {k: t.label(f"progress_{k.value}", count=n) for k, n in progress.counts().items()}


def progress_line(progress: RoundProgress, t: Catalogue) -> ProgressLine:
    """Returns the round's progress as the documents and the overview's summary show it."""
    head = f"{t.label('participants')}: {len(progress.colleagues)}"
    return ProgressLine(head, tuple(counts_in_words(progress, t).values()))


def round_progress(snapshot: RoundSnapshot) -> RoundProgress:
    """Returns progress per colleague (invites not yet opened included) and per theme.

    Withdrawn colleagues are not counted; they are listed apart, by name only. A purged
    round has nobody left to list: its counts are what the purge kept.
    """
    template = snapshot.round.template
    active = [p for p in snapshot.participants if not p.withdrawn]
    # (theme, question) pairs rather than SlotRefs: equal and hashed alike, and made in C,
    # where a SlotRef is a call to a Python function, 20,000 times in a large round.
    answered: dict[int, set[tuple[str, str]]] = {p.id: set() for p in active}
    for a in snapshot.answers:
        if a.participant_id in answered:
            answered[a.participant_id].add((a.theme_key, a.question_key))
    colleagues = [
        ColleagueProgress(
            p.name,
            count_progress(
                template, p.theme_keys, answered[p.id], submitted=p.submitted_at is not None
            ),
            p.invited_at,
            unreachable=p.unreachable_at is not None,
            invite_id=p.invite_id,
        )
        for p in active
    ]
    colleagues += [
        ColleagueProgress(
            invite.name,
            count_progress(template, invite.theme_keys, (), invited_only=True),
            invite.created_at,
            invite_id=invite.id,
        )
        for invite in snapshot.pending_invites
    ]
    # One pass over the answers, not one per theme: rounds have thousands of colleagues.
    contributors_of: dict[str, set[int]] = defaultdict(set)
    given_of: dict[str, set[str]] = defaultdict(set)
    for pid, slots in answered.items():
        for theme_key, question_key in slots:
            contributors_of[theme_key].add(pid)
            given_of[theme_key].add(question_key)
    assigned_keys = {k for p in active for k in p.theme_keys}
    assigned_keys |= {k for i in snapshot.pending_invites for k in i.theme_keys}
    themes = []
    for theme in template.themes:
        contributors = contributors_of.get(theme.key, set())
        given = given_of.get(theme.key, set())
        if theme.key not in assigned_keys and not contributors:
            continue
        unanswered = tuple(q.text for q in template.questions_for(theme.key) if q.key not in given)
        themes.append(ThemeProgress(theme.key, theme.title, len(contributors), unanswered))
    withdrawn = tuple(
        WithdrawnColleague(p.name, p.invite_id, p.withdrawn_at)
        for p in snapshot.participants
        if p.withdrawn
    )
    return RoundProgress(
        snapshot.round.id,
        snapshot.round.name,
        tuple(colleagues),
        tuple(themes),
        withdrawn=withdrawn,
        closed_at=snapshot.round.closed_at,
        purged_at=snapshot.round.purged_at,
        kept=snapshot.kept,
    )
