"""Rounds built by hand for the overview tests: a small realistic one and a hostile one.

A module of its own (not conftest) so test modules can import the builders by a unique name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from conversations.template import Template
from storage.records import Answer, Invite, Participant, Round, RoundSnapshot

CET = timezone(timedelta(hours=1), "CET")
NOW = datetime(2025, 3, 14, 16, 30, tzinfo=CET)
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

TEMPLATE = {
    "key": "ivp-test",
    "title": "Input Integraal Veiligheidsplan",
    "language": "nl",
    "questions": [
        {"key": "inhoud", "text": "Waar gaat dit thema over?"},
        {
            "key": "partners",
            "text": "Met welke partners werk je samen?",
            "kind": "list",
            "role": "partners",
        },
        {
            "key": "niveau",
            "text": "Welk niveau stel je voor?",
            "kind": "choice",
            "role": "level",
            "options": ["prioriteit", "overig strategisch thema", "beheersniveau"],
        },
        {
            "key": "capaciteit",
            "text": "Is er capaciteit?",
            "kind": "choice",
            "role": "capacity",
            "options": ["voldoende", "krap", "onvoldoende"],
            "required": False,
        },
    ],
    "themes": [
        {
            "key": "woonoverlast",
            "title": "Aanpak woonoverlast",
            "description": "Overlast in en rond woningen.",
        },
        {
            "key": "ondermijning",
            "title": "Aanpak ondermijning",
            "questions": [{"key": "bibob", "text": "Hoe loopt de Bibob-toets?"}],
        },
        {"key": "digitaal", "title": "Digitale veiligheid"},
    ],
    "partner_aliases": {"Politie": ["wijkagent", "Politie Hollands Midden"]},
}


def make_template(**changes: object) -> Template:
    """The fixture template, with top-level keys replaced."""
    return Template.model_validate({**TEMPLATE, **changes})


def person(
    ident: int, name: str, themes: tuple[str, ...], *, submitted: bool = False, **extra: object
) -> Participant:
    """A participant who joined at T0."""
    return Participant(
        id=ident,
        round_id=1,
        user_id=100 + ident,
        chat_id=100 + ident,
        name=name,
        language="nl",
        theme_keys=themes,
        mode="intake",
        cursor=None,
        submitted_at=T0 + timedelta(days=5) if submitted else None,
        joined_at=T0,
        last_active_at=T0,
        invited_at=T0,
        **extra,
    )


def answer(who: int, theme: str, question: str, text: str, *, day: int = 1) -> Answer:
    """An answer created on T0 + day and edited an hour later."""
    created = T0 + timedelta(days=day)
    return Answer(
        participant_id=who,
        theme_key=theme,
        question_key=question,
        text=text,
        parts=(),
        created_at=created,
        updated_at=created + timedelta(hours=1),
    )


def make_snapshot(template: Template | None = None) -> RoundSnapshot:
    """Anna submitted, Bram answered all required questions without submitting, Carla has not
    started, Dirk has not opened his invite."""
    answers = (
        answer(1, "woonoverlast", "inhoud", "We werken met een meldpunt.\nEn huisbezoeken."),
        answer(1, "woonoverlast", "partners", "Politie, GGD, woningcorporaties"),
        answer(1, "woonoverlast", "niveau", "prioriteit"),
        answer(1, "woonoverlast", "capaciteit", "onvoldoende"),
        answer(1, "ondermijning", "partners", " politie; RIEC"),
        answer(1, "ondermijning", "niveau", "prioriteit"),
        answer(1, "ondermijning", "capaciteit", "voldoende"),
        answer(1, "ondermijning", "bibob", "Goed, maar traag.", day=2),
        answer(2, "woonoverlast", "inhoud", "Veel meldingen over burenruzies.", day=3),
        answer(2, "woonoverlast", "partners", "de politie\n- wijkagent\nVeilig Thuis", day=3),
        answer(2, "woonoverlast", "niveau", "beheersniveau", day=3),
        # Eva withdrew: her answers must not count anywhere.
        answer(5, "woonoverlast", "partners", "Brandweer", day=4),
        # A question the template does not know (an old snapshot): left out.
        answer(2, "woonoverlast", "verdwenen", "weg", day=4),
    )
    return RoundSnapshot(
        round=Round(
            id=1,
            name="IVP 2027-2030",
            template=template or make_template(),
            deadline=date(2025, 4, 1),
            created_at=T0,
        ),
        participants=(
            person(1, "Anna de Vries", ("woonoverlast", "ondermijning"), submitted=True),
            person(2, "Bram Jansen", ("woonoverlast",)),
            person(3, "Carla Bakker", ("ondermijning",)),
            person(5, "Eva Smit", ("woonoverlast",), withdrawn=True),
        ),
        answers=answers,
        pending_invites=(
            Invite(
                id=9,
                round_id=1,
                name="Dirk Visser",
                theme_keys=("ondermijning",),
                coordinator=False,
                created_at=T0,
                used_at=None,
                used_by=None,
            ),
        ),
    )


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "formula": '=HYPERLINK("http://evil.example","klik")',
    "heading": "# heading",
    "link": "[x](javascript:alert(1))",
    "control": "before\x00\x07\x1bafter",
}
LONG = "lang " * 819 + "eind"  # 4099 characters


def make_hostile_snapshot() -> RoundSnapshot:
    """A round where every user-typed field tries to break out of its format."""
    template = make_template(title="<b>Sjabloon</b> & =1+1")
    texts = [*HOSTILE.values(), LONG]
    answers = (
        *(answer(1, "woonoverlast", "inhoud", text, day=i) for i, text in enumerate(texts)),
        answer(1, "woonoverlast", "partners", "<img src=x onerror=alert(1)>, =cmd|' /C calc'!A0"),
        answer(2, "woonoverlast", "inhoud", "+31 6 12345678\n@SUM(A1)\n-2+3"),
    )
    # Several answers of one colleague to one question cannot happen in the store; here they
    # only carry hostile texts through every format.
    return RoundSnapshot(
        round=Round(
            id=7,
            name="<script>alert('round')</script>",
            template=template,
            deadline=None,
            created_at=T0,
        ),
        participants=(
            person(1, "=Mallory\x0b <i>", ("woonoverlast",), submitted=True),
            person(2, "[Trudy](http://x)", ("woonoverlast",)),
        ),
        answers=answers,
    )
