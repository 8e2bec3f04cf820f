"""Everything kept about one person (``/mydata``): a readable HTML page and the same as JSON,
in one zip file so the two never part. Pure: a PersonalData record in, bytes out.

The store's PersonalData already holds nothing of anyone else (storage.privacy); this module
only words it. Every time is shown in the zone of ``now``.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from conversations.texts import Catalogue, catalogue
from reports.formatting import format_date, format_datetime
from reports.html import environment
from storage.records import (
    AuditAction,
    AuditEntry,
    Participation,
    PersonalData,
)

ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # entries carry no time of their own: same data, same bytes


class PersonalFiles(Struct, frozen=True):
    """The zip and the names of what is in it."""

    content: bytes
    filename: str  # of the zip
    html_name: str
    json_name: str


def personal_files(data: PersonalData, now: datetime, language: str) -> PersonalFiles:
    """Returns the zip with the HTML page and the JSON of everything in ``data``."""
    t = catalogue(language)
    stem = f"{t.label('mydata_file')}-{now.date().isoformat()}"
    html_name, json_name = f"{stem}.html", f"{stem}.json"
    page = render_personal_html(data, now, language, json_name)
    document = json.dumps(personal_json(data, now), ensure_ascii=False, indent=2, default=_iso)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in ((html_name, page), (json_name, document.encode("utf-8"))):
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return PersonalFiles(out.getvalue(), f"{stem}.zip", html_name, json_name)


# --- JSON: every stored value, keys and times as stored -------------------------------------


def personal_json(data: PersonalData, now: datetime) -> dict[str, Any]:
    """Everything in ``data`` as plain JSON values (times ISO 8601)."""
    coordinator = data.coordinator
    return {
        "generated_at": now,
        "telegram_user_id": data.user_id,
        "rounds": [_participation_json(p) for p in data.participations],
        "coordinator": None
        if coordinator is None
        else {
            "name": coordinator.name,
            "chat_id": coordinator.chat_id,
            "active_round": coordinator.active_round_id,
            "since": coordinator.joined_at,
        },
        "coordinator_actions": [
            {"at": e.at, "round": e.round_id, "action": e.action.value, "detail": dict(e.detail)}
            for e in data.coordinator_actions
        ],
        "technical": {
            "recent_updates": data.recent_updates,
            "waiting_updates": data.waiting_updates,
            "queued_messages": data.queued_messages,
        },
    }


def _participation_json(p: Participation) -> dict[str, Any]:
    person, round_, template = p.participant, p.round, p.round.template
    invite = p.invite

    def question_text(theme_key: str, question_key: str) -> str:
        found = [q for q in template.questions_for(theme_key) if q.key == question_key]
        return found[0].text if found else ""

    def theme_title(key: str) -> str:
        theme = template.theme(key)
        return theme.title if theme else key

    cursor = person.cursor
    return {
        "round": {
            "id": round_.id,
            "name": round_.name,
            "deadline": round_.deadline,
            "closed_at": round_.closed_at,
            "retention_days": round_.retention_days,
        },
        "invite": None
        if invite is None
        else {
            "id": invite.id,
            "name": invite.name,
            "themes": list(invite.theme_keys),
            "created_at": invite.created_at,
            "opened_at": invite.used_at,
        },
        "participation": {
            "name": person.name,
            "chat_id": person.chat_id,
            "language": person.language,
            "themes": [{"key": k, "title": theme_title(k)} for k in person.theme_keys],
            "mode": person.mode.value,
            "cursor": None
            if cursor is None
            else {
                "theme": cursor[0],
                "question": cursor[1],
                "question_text": question_text(*cursor),
            },
            "joined_at": person.joined_at,
            "last_active_at": person.last_active_at,
            "submitted_at": person.submitted_at,
            "paused_until": person.paused_until,
            "snoozed_until": person.snoozed_until,
            "unreachable_at": person.unreachable_at,
            "withdrawn": person.withdrawn,
            "withdrawn_at": person.withdrawn_at,
        },
        "answers": [
            {
                "theme": r.answer.theme_key,
                "theme_title": theme_title(r.answer.theme_key),
                "question": r.answer.question_key,
                "question_text": question_text(r.answer.theme_key, r.answer.question_key),
                "text": r.answer.text,
                "parts": list(r.answer.parts),
                "created_at": r.answer.created_at,
                "updated_at": r.answer.updated_at,
                "history": [
                    {"text": v.text, "source": v.source.value, "at": v.created_at}
                    for v in r.history
                ],
                "message_ids": list(r.message_ids),
            }
            for r in p.answers
        ],
        "reminders": [
            {
                "slot": c.slot_key,
                "claimed_at": c.claimed_at,
                "outcome": c.outcome.value,
                "attempts": c.attempts,
            }
            for c in p.reminders
        ],
        "recorded": [
            {
                "at": e.at,
                "action": e.action.value,
                "by": e.actor.role.value,
                "detail": dict(e.detail),
            }
            for e in p.audit
        ],
        "kept_aside": [
            {
                "text": a.text,
                "kept_at": a.created_at,
                "placed_at": a.placed_at,
                "message_id": a.message_id,
            }
            for a in p.aside
        ],
    }


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# --- HTML: the same, in words ---------------------------------------------------------------


@dataclass
class _Block:
    """One round (or the coordinator part) as the page shows it; every value plain text."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    reminders: list[tuple[str, str, str]] = field(default_factory=list)
    recorded: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str, str]] = field(default_factory=list)  # when, text, placed
    note: str = ""


def render_personal_html(data: PersonalData, now: datetime, language: str, json_name: str) -> bytes:
    """Renders ``data`` as one self-contained HTML page in ``language``."""
    t = catalogue(language)
    words = _Words(t, now, language)
    blocks = [words.participation(p) for p in data.participations]
    coordinator = words.coordinator(data)
    technical = [
        (t.label("recent_updates"), str(data.recent_updates)),
        (t.label("waiting_updates"), str(data.waiting_updates)),
        (t.label("queued_messages"), str(data.queued_messages)),
    ]
    page = environment.get_template("mydata.html.j2").render(
        L=t.labels,
        language=language,
        intro=t.label("mydata_intro", date=words.moment(now), json=json_name),
        user_id=data.user_id,
        blocks=blocks,
        coordinator=coordinator,
        technical=technical,
    )
    return page.encode("utf-8")


class _Words:
    """Stored values in the reader's words and zone."""

    def __init__(self, t: Catalogue, now: datetime, language: str) -> None:
        self.t = t
        self.now = now
        self.language = language

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(self.now.tzinfo) if self.now.tzinfo else value
        return format_datetime(local, self.language)

    def day(self, value: date | None) -> str:
        return format_date(value, self.language)

    def participation(self, p: Participation) -> _Block:
        t, person, round_, template = self.t, p.participant, p.round, p.round.template
        state = (
            t.label("round_closed_on", date=self.moment(round_.closed_at))
            if round_.closed_at
            else t.label("round_open")
        )
        block = _Block(f"{t.label('round')} {round_.name} ({state})")
        facts = block.facts
        if p.invite is not None:
            facts.append((t.label("invited_as"), p.invite.name))
            facts.append((t.label("invited_at"), self.moment(p.invite.created_at)))
            facts.append((t.label("opened_at"), self.moment(p.invite.used_at)))
        facts.append((t.label("joined"), self.moment(person.joined_at)))
        facts.append((t.label("last_active"), self.moment(person.last_active_at)))
        facts.append((t.label("language"), person.language))
        titles = [th.title for k in person.theme_keys if (th := template.theme(k))]
        facts.append((t.label("your_themes"), ", ".join(titles) or "—"))
        if person.withdrawn:
            facts.append((t.label("withdrawn_at"), self.moment(person.withdrawn_at) or "—"))
            block.note = t.label("withdrawn_nothing_left")
        else:
            facts.append((t.label("where"), t.label(f"mode_{person.mode.value}")))
            if person.cursor is not None:
                theme = template.theme(person.cursor[0])
                asked = [q for q in template.questions_for(person.cursor[0])]
                text = next((q.text for q in asked if q.key == person.cursor[1]), "")
                facts.append((t.label("cursor"), f"{theme.title if theme else ''}: {text}"))
        optional = (
            ("submitted_at", self.moment(person.submitted_at)),
            ("paused_until", self.day(person.paused_until)),
            ("snoozed_until", self.moment(person.snoozed_until)),
            ("unreachable_at", self.moment(person.unreachable_at)),
        )
        facts += [(t.label(key), value) for key, value in optional if value]
        for record in p.answers:
            answer = record.answer
            theme = template.theme(answer.theme_key)
            asked = template.questions_for(answer.theme_key)
            question = next((q.text for q in asked if q.key == answer.question_key), "")
            block.answers.append(
                {
                    "theme": theme.title if theme else answer.theme_key,
                    "question": question or answer.question_key,
                    "text": answer.text,
                    "history": [
                        (self.moment(v.created_at), t.label(f"source_{v.source.value}"), v.text)
                        for v in record.history
                    ],
                    "messages": ", ".join(str(m) for m in record.message_ids),
                }
            )
        block.reminders = [
            (self.moment(c.claimed_at), c.slot_key, t.label(f"outcome_{c.outcome.value}"))
            for c in p.reminders
        ]
        block.recorded = [(self.moment(e.at), self.about_you(e)) for e in p.audit]
        block.kept = [
            (
                self.moment(a.created_at),
                a.text,
                self.moment(a.placed_at) if a.placed_at else t.label("kept_not_placed"),
            )
            for a in p.aside
        ]
        return block

    def about_you(self, entry: AuditEntry) -> str:
        t = self.t
        what = t.label(
            "you_withdrew" if entry.action is AuditAction.WITHDRAW_SELF else "coordinator_withdrew"
        )
        answers = dict(entry.detail).get("answers")
        return f"{what} ({t.label('erased_answers', count=answers)})" if answers else what

    def coordinator(self, data: PersonalData) -> _Block | None:
        t, found = self.t, data.coordinator
        if found is None and not data.coordinator_actions:
            return None
        block = _Block(t.label("as_coordinator"))
        if found is not None:
            block.facts.append((t.label("coordinator_name"), found.name))
            block.facts.append((t.label("coordinator_since"), self.moment(found.joined_at)))
            if found.active_round_id is not None:
                block.facts.append((t.label("active_round"), f"#{found.active_round_id}"))
        block.recorded = [
            (
                self.moment(e.at),
                f"{t.label(f'action_{e.action.value}')} (#{e.round_id})",
            )
            for e in data.coordinator_actions
        ]
        return block
