"""Progress on its own: who is done, what is open, per colleague and per theme."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.engine import SlotRef
from conversations.template import parse_template
from reports.progress import State, colleague_progress, round_progress
from storage.records import Invite, Participant, Round, RoundSnapshot

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

TEMPLATE = parse_template(
    """
key = "t"
title = "T"

[[questions]]
key = "inhoud"
text = "Inhoud?"

[[themes]]
key = "a"
title = "A"
[[themes.questions]]
key = "extra"
text = "Extra bij A?"

[[themes]]
key = "b"
title = "B"
[[themes.questions]]
key = "extra"
text = "Extra bij B?"
required = false
""",
    "t.toml",
)


def participant(themes: tuple[str, ...], **kw) -> Participant:
    return Participant(
        id=1,
        round_id=1,
        user_id=1001,
        chat_id=1001,
        name="Alice",
        language="nl",
        theme_keys=themes,
        mode="asking",
        cursor=None,
        submitted_at=None,
        joined_at=NOW,
        last_active_at=NOW,
        invited_at=NOW,
        **kw,
    )


def test_required_is_decided_per_theme_not_per_question_key():
    answered = {SlotRef("a", "inhoud"), SlotRef("a", "extra"), SlotRef("b", "inhoud")}
    progress = colleague_progress(TEMPLATE, participant(("a", "b")), answered)
    assert (progress.answered, progress.total, progress.open_required) == (3, 4, 0)
    assert progress.done and progress.state is State.IN_PROGRESS


def test_a_colleague_without_themes_is_not_done():
    progress = colleague_progress(TEMPLATE, participant(()), set())
    assert progress.total == 0 and not progress.done


def test_unopened_invites_count_only_required_questions_as_open():
    round_ = Round(1, "R", TEMPLATE, None, NOW)
    invite = Invite(5, 1, "Bob", ("a", "b"), False, NOW, None, None)
    snapshot = RoundSnapshot(round_, (), (), (invite,))
    (bob,) = round_progress(snapshot).colleagues
    assert (bob.total, bob.open_required, bob.invited_only, bob.done) == (4, 3, True, False)


def test_open_required_questions_are_counted_per_theme():
    answered = {SlotRef("a", "inhoud"), SlotRef("a", "extra")}
    progress = colleague_progress(TEMPLATE, participant(("a", "b")), answered)
    assert progress.open_by_theme == (("a", 0), ("b", 1))
    assert (progress.open_required, progress.open_themes) == (1, 1)


def _colleague(name: str, state: State, answered: int, open_required: int, **kw):
    from reports.progress import ColleagueProgress

    return ColleagueProgress(name, state, answered, 4, open_required, False, **kw)


def test_progress_title_and_digest_count_the_same_categories():
    from bot.coordination import progress_text
    from bot.reminding import RoundDigest, digest_text
    from conversations.texts import catalogue, plain
    from reports.progress import Category, RoundProgress

    progress = RoundProgress(
        1,
        "R",
        (
            _colleague("Anna", State.SUBMITTED, 4, 0),
            _colleague("Bram", State.IN_PROGRESS, 3, 0),  # done, not submitted
            _colleague("Carla", State.NOT_STARTED, 0, 3),
            _colleague("Dirk", State.NOT_STARTED, 0, 3, invited_only=True),
            _colleague("Eva", State.NOT_STARTED, 0, 3, invited_only=True),
        ),
        (),
    )
    assert progress.counts() == {
        Category.SUBMITTED: 1,
        Category.DONE: 1,
        Category.NOT_STARTED: 1,
        Category.INVITED: 2,
    }
    t = catalogue("nl")
    counts = (
        "🟢 1 ingestuurd · ✅ 1 klaar, nog niet ingestuurd · ⚪ 1 nog niet begonnen"
        " · ✉️ 2 uitnodigingen nog niet geopend"
    )
    title = plain(progress_text(progress, t)).splitlines()[1]
    assert title == counts
    assert "bezig" not in title  # categories without anyone are left out
    assert "✅ Bram — klaar, nog niet ingestuurd" in progress_text(progress, t)
    digest = plain(digest_text(t, RoundDigest(1, "R", sent=["Carla"], progress=progress)))
    assert digest.splitlines()[1] == counts
