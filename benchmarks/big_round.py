"""A large, realistic round built in memory: the input for the document benchmarks.

``big_round(n)`` gives ``n`` colleagues, each given three of the seven themes of the built-in
``ivp`` template and its seven questions. Nine in a hundred have not started (a third of those
never opened their invite); everyone else answers every question, so 1,000 colleagues give
910 x 3 x 7 = 19,110 answers. Prose of varying length, partner lists that name the same
organisations in many spellings ("de politie", "wijkagent", "OM"), level and capacity choices
that lean per theme but disagree between colleagues, and about half of them still in draft.

Deterministic: the same ``n`` and ``seed`` give the same round, answer for answer.
:func:`store_round` writes such a round into a store through the store contract, for the
benchmarks that need it in the bot's database (``/overview`` while colleagues answer).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

from conversations.state import AnswerSource, Mode
from conversations.template import QuestionKind, QuestionRole, Template, load_template
from storage import Store
from storage.records import Answer, Invite, Participant, Round, RoundSnapshot

__all__ = ["NOW", "big_round", "store_round"]

#: The moment the benchmarks compile the overview (Dutch winter time).
NOW = datetime(2027, 2, 12, 16, 30, tzinfo=timezone(timedelta(hours=1), "CET"))
_T0 = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)

_FIRST = (
    "Anna", "Bram", "Carla", "Dirk", "Eva", "Fatima", "Gert", "Hanna", "Ilse", "Joost", "Karim",
    "Lotte", "Mehmet", "Noor", "Olaf", "Priya", "Quinten", "Roos", "Sanne", "Tim", "Yara",
)  # fmt: skip
_LAST = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "El Amrani", "Mulder", "de Boer",
    "Bos", "Yilmaz", "van Dijk", "Hendriks", "van den Berg", "Kok", "Peters",
)  # fmt: skip
# (spelling, weight): the same partner written many ways, as colleagues do.
_PARTNERS = (
    ("Politie", 8), ("de politie", 5), ("wijkagent", 4), ("Politie Hollands Midden", 2),
    ("OM", 3), ("Openbaar Ministerie", 2), ("RIEC", 3), ("riec den haag", 1), ("GGD", 4),
    ("ggd hollands midden", 1), ("woningcorporaties", 4), ("corporatie", 1), ("Jongerenwerk", 3),
    ("jongerenwerkers", 1), ("Halt", 1), ("Veilig Thuis", 2), ("brandweer", 2),
    ("Zorg- en Veiligheidshuis", 2), ("ZVH", 1), ("wijkteam", 2), ("Belastingdienst", 1),
    ("ondernemersvereniging", 1), ("scholen", 2), ("Universiteit Leiden", 1),
)  # fmt: skip
_OPENINGS = (
    "We werken met een meldpunt en huisbezoeken.",
    "De aanpak loopt sinds twee jaar via een vast casusoverleg.",
    "Dit thema vraagt vooral om preventie en vroeg signaleren.",
    "We zitten nog in de opbouw: er is een plan, de uitvoering komt op gang.",
    "Het werk gebeurt grotendeels door de wijkteams en de handhavers.",
)
_MIDDLES = (
    "De informatiedeling met de partners kan beter, vooral over privacy.",
    "Bewoners melden meer dan vroeger, wat goed is maar capaciteit kost.",
    "Het Bibob-instrument wordt vaker ingezet; bezwaarzaken nemen toe.",
    "Signalen uit de wijk komen laat bij ons binnen.",
    "Er is weinig zicht op wat werkt; een evaluatie ontbreekt.",
    "De samenwerking op uitvoerend niveau is goed, bestuurlijk minder.",
)
_CLOSINGS = (
    "Voor de komende jaren is structureel budget nodig.",
    "Extra handhavingscapaciteit in de avonduren zou helpen.",
    "We willen dit thema samen met de partners steviger neerzetten.",
    "",
)
_SEPARATORS = (", ", "\n", "; ", ",\n")


def _partner_list(rng: random.Random) -> str:
    names, weights = zip(*_PARTNERS, strict=True)
    picked = list(dict.fromkeys(rng.choices(names, weights, k=rng.randint(2, 5))))
    return rng.choice(_SEPARATORS).join(picked)


def _prose(rng: random.Random) -> str:
    parts = [rng.choice(_OPENINGS), *rng.sample(_MIDDLES, rng.randint(1, 3)), rng.choice(_CLOSINGS)]
    return " ".join(p for p in parts if p)


def _choice(options: list[str], leaning: int, rng: random.Random) -> str:
    """Mostly the theme's leaning option, sometimes another: colleagues disagree."""
    if rng.random() < 0.6:
        return options[leaning % len(options)]
    return rng.choice(options)


def _answer_text(kind: QuestionKind, role: QuestionRole | None, options: list[str], theme: int,
                 rng: random.Random) -> str:  # fmt: skip
    if kind is QuestionKind.CHOICE:
        # Levels lean to "prioriteit" for the first themes; capacity leans to short.
        leaning = theme % 3 if role is QuestionRole.LEVEL else (theme + 1) % 3
        return _choice(options, leaning, rng)
    if kind is QuestionKind.LIST:
        return _partner_list(rng)
    return _prose(rng)


def big_round(n: int, *, seed: int = 2027, template: Template | None = None) -> RoundSnapshot:
    """A round of ``n`` colleagues x 3 themes x the template's questions (see module docstring)."""
    template = template or load_template("ivp")
    rng = random.Random(seed)
    keys = [t.key for t in template.themes]
    idle = set(rng.sample(range(n), round(n * 0.09)))
    unopened = set(sorted(idle)[: len(idle) // 3])
    people: list[Participant] = []
    invites: list[Invite] = []
    answers: list[Answer] = []
    for index in range(n):
        ident = index + 1
        lap, first = divmod(index, len(_FIRST))
        name = f"{_FIRST[first]} {_LAST[(lap + first) % len(_LAST)]}"
        if index >= len(_FIRST) * len(_LAST):
            name += f" {index // (len(_FIRST) * len(_LAST)) + 1}"
        themes = tuple(template.in_order(rng.sample(keys, 3)))
        invited = _T0 + timedelta(hours=rng.randrange(0, 72))
        if index in unopened:
            invites.append(Invite(ident, 1, name, themes, False, invited, None, None))
            continue
        joined = invited + timedelta(hours=rng.randrange(1, 120))
        started = index not in idle
        submitted = started and rng.random() < 0.5
        last = joined
        if started:
            for theme_key in themes:
                theme_index = keys.index(theme_key)
                for question in template.questions_for(theme_key):
                    last = last + timedelta(minutes=rng.randrange(1, 600))
                    text = _answer_text(
                        question.kind, question.role, question.options, theme_index, rng
                    )
                    edited = last + timedelta(minutes=rng.randrange(0, 30))
                    answers.append(
                        Answer(ident, theme_key, question.key, text, (text,), last, edited)
                    )
        people.append(
            Participant(
                id=ident,
                round_id=1,
                user_id=500_000 + ident,
                chat_id=500_000 + ident,
                name=name,
                language="nl",
                theme_keys=themes,
                mode=Mode.ASKING,
                cursor=None,
                submitted_at=last + timedelta(hours=1) if submitted else None,
                joined_at=joined,
                last_active_at=last,
                invited_at=invited,
            )
        )
    return RoundSnapshot(
        round=Round(1, "IVP 2027-2030", template, date(2027, 3, 1), _T0),
        participants=tuple(people),
        answers=tuple(answers),
        pending_invites=tuple(invites),
        partner_merges={"ondernemersvereniging": "Ondernemers", "scholen": "Onderwijs"},
    )


async def store_round(store: Store, snapshot: RoundSnapshot, *, batch: int = 200) -> int:
    """Writes a round like :func:`big_round`'s into ``store`` (a new round, every invite,
    participant and answer, through the store contract); returns the new round's id.

    Participants keep their user ids; ``batch`` participants share one transaction.
    """
    round_ = snapshot.round
    async with store.write() as tx:
        created = await tx.create_round(round_.name, round_.template, round_.deadline, _T0)
        for invite in snapshot.pending_invites:
            await tx.create_invite(created.id, invite.name, invite.theme_keys, invite.created_at)
    answers: dict[int, list[Answer]] = {}
    for answer in snapshot.answers:
        answers.setdefault(answer.participant_id, []).append(answer)
    people = list(snapshot.participants)
    for start in range(0, len(people), batch):
        async with store.write() as tx:
            for person in people[start : start + batch]:
                invite, _ = await tx.create_invite(
                    created.id, person.name, person.theme_keys, person.invited_at
                )
                await tx.mark_invite_used(invite.id, person.user_id, person.joined_at)
                joined = await tx.create_participant(
                    invite, person.user_id, person.chat_id, person.language, Mode.ASKING,
                    person.joined_at,
                )  # fmt: skip
                for answer in answers.get(person.id, []):
                    await tx.save_answer(
                        joined.id, answer.theme_key, answer.question_key, answer.parts,
                        AnswerSource.ANSWER, answer.updated_at,
                    )  # fmt: skip
                if person.submitted_at is not None:
                    await tx.mark_submitted(joined.id, person.submitted_at)
    return created.id
