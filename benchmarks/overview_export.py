"""The coordinator's overview: build + render of a large round, per format, vs a raw dump.

**Ours.** A round generated in memory as a :class:`storage.records.RoundSnapshot` (by default 60
colleagues x 3 themes x the 7 questions of the built-in ``ivp`` template: 1260 answers, prose
and partner lists and choices, a few colleagues withdrawn or not started, a few invites never
opened), turned into a document by :func:`reports.overview.build_overview` then
:func:`reports.render.render`: exactly what ``/overview FORMAT`` does after reading the
snapshot. One row times the build alone, so the rendering rows can be read as build + layout.

**Reference.** ``json.dumps`` of the same answers (who, theme, question, text, when) encoded to
UTF-8: the cheapest export of the same data there is. One yardstick for every row, rather than
a "raw rows through the same library" floor per format, so the rows compare with each other and
the library's own cost stays visible: the coordinator waits for python-docx or openpyxl all
the same. The ratio therefore says how many raw dumps one finished document costs.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from benchmarks.measure import Comparison, Sample, Trial, compare
from benchmarks.typed_answers import answer_text
from conversations.template import Template, load_template
from reports.overview import build_overview
from reports.render import FORMATS, render
from storage.records import Answer, Invite, Participant, Round, RoundSnapshot

__all__ = ["make_round", "raw_dump", "run"]

_T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
_NOW = datetime(2026, 12, 14, 16, 30, tzinfo=timezone(timedelta(hours=1), "CET"))
_FIRST = ("Anna", "Bram", "Carla", "Dirk", "Eva", "Fatima", "Gert", "Hanna", "Ilse", "Joost")
_LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "El Amrani", "Mulder")


def _colleague(ident: int, themes: tuple[str, ...], rng: random.Random) -> Participant:
    joined = _T0 + timedelta(hours=rng.randrange(0, 240))
    return Participant(
        id=ident,
        round_id=1,
        user_id=100_000 + ident,
        chat_id=100_000 + ident,
        name=f"{_FIRST[ident % len(_FIRST)]} {_LAST[ident % len(_LAST)]} {ident}",
        language="nl",
        theme_keys=themes,
        mode="asking",
        cursor=None,
        submitted_at=joined + timedelta(days=9) if ident % 3 == 0 else None,
        joined_at=joined,
        last_active_at=joined + timedelta(days=2),
        invited_at=_T0,
        withdrawn=ident % 29 == 0,
    )


def make_round(colleagues: int, themes_each: int, *, seed: int = 2027) -> RoundSnapshot:
    """A generated round: every colleague answers every question of ``themes_each`` themes.

    Deterministic for a seed. One colleague in eleven has not started yet and leaves the
    optional questions alone; the overview's gaps, progress and partner matrix all get work.
    """
    template: Template = load_template("ivp")
    keys = [t.key for t in template.themes]
    rng = random.Random(seed)
    people: list[Participant] = []
    answers: list[Answer] = []
    n = 0
    for ident in range(1, colleagues + 1):
        themes = tuple(keys[(ident + k) % len(keys)] for k in range(themes_each))
        person = _colleague(ident, themes, rng)
        people.append(person)
        if ident % 11 == 0:
            continue  # not started: shows up under gaps and progress, not in the answers
        for theme in themes:
            for question in template.questions_for(theme):
                n += 1
                text = answer_text(question, n)
                moment = person.joined_at + timedelta(minutes=n % 600)
                answers.append(
                    Answer(person.id, theme, question.key, text, (text,), moment, moment, 1 + n % 2)
                )
    pending = tuple(
        Invite(
            10_000 + i, 1, f"Nog niet geopend {i}", (keys[i % len(keys)],), False, _T0, None, None
        )
        for i in range(max(1, colleagues // 20))
    )
    return RoundSnapshot(
        round=Round(1, "IVP 2027-2030", template, date(2027, 2, 26), _T0),
        participants=tuple(people),
        answers=tuple(answers),
        pending_invites=pending,
    )


def raw_dump(snapshot: RoundSnapshot) -> bytes:
    """The reference export: every answer as a JSON object, UTF-8 encoded."""
    rows = [
        {
            "participant": a.participant_id,
            "theme": a.theme_key,
            "question": a.question_key,
            "text": a.text,
            "updated_at": a.updated_at.isoformat(),
        }
        for a in snapshot.answers
    ]
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def _trial(produce: Callable[[], object]) -> Trial:
    """One document per round; a coroutine only so it fits :func:`compare`."""

    async def trial() -> Sample:
        start = time.perf_counter()
        produce()
        return Sample(time.perf_counter() - start, 1)

    return trial


async def run(
    *, colleagues: int, themes_each: int, rounds: int, formats: tuple[str, ...] = tuple(FORMATS)
) -> list[Comparison]:
    """One comparison for the build alone and one per format, all against :func:`raw_dump`."""
    snapshot = make_round(colleagues, themes_each)
    reference = _trial(lambda: raw_dump(snapshot))
    size = f"{len(snapshot.answers)} answers"
    jobs: list[tuple[str, Callable[[], object]]] = [
        (f"overview build ({size})", lambda: build_overview(snapshot, _NOW))
    ]
    for fmt in formats:
        # Bind fmt now: a late-binding lambda would render the last format every time.
        jobs.append(
            (f"overview build + {fmt}", lambda fmt=fmt: render(build_overview(snapshot, _NOW), fmt))
        )
    results = []
    for name, produce in jobs:
        results.append(
            await compare(
                name,
                "document",
                _trial(produce),
                reference,
                rounds=rounds,
                reference_name="json.dumps of the same answers",
            )
        )
    return results
