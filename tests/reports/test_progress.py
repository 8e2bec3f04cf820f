"""Progress on its own: who is done, what is open, per colleague and per theme."""

from __future__ import annotations

from datetime import UTC, datetime

from msgspec.structs import replace

from conversations.progress import Category, State, count_progress
from conversations.slots import SlotRef
from conversations.state import Mode
from conversations.template import parse_template
from reports.progress import ColleagueProgress, RoundProgress, round_progress
from storage.records import Answer, Invite, Participant, Round, RoundSnapshot

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
        mode=Mode.ASKING,
        cursor=None,
        submitted_at=None,
        joined_at=NOW,
        last_active_at=NOW,
        invited_at=NOW,
        **kw,
    )


def test_required_is_decided_per_theme_not_per_question_key():
    answered = {SlotRef("a", "inhoud"), SlotRef("a", "extra"), SlotRef("b", "inhoud")}
    progress = count_progress(TEMPLATE, ("a", "b"), answered)
    assert (progress.answered, progress.total, progress.open_required) == (3, 4, 0)
    assert progress.done and progress.state is State.IN_PROGRESS
    assert progress.category is Category.DONE


def test_a_colleague_without_themes_is_not_done():
    progress = count_progress(TEMPLATE, (), set())
    assert progress.total == 0 and not progress.done
    assert progress.category is Category.NOT_STARTED


def test_unopened_invites_count_only_required_questions_as_open():
    round_ = Round(1, "R", TEMPLATE, None, NOW)
    invite = Invite(5, 1, "Bob", ("a", "b"), False, NOW, None, None)
    snapshot = RoundSnapshot(round_, (), (), (invite,))
    (bob,) = round_progress(snapshot).colleagues
    count = bob.progress
    assert (count.total, count.open_required, count.invited_only, count.done) == (4, 3, True, False)
    assert count.category is Category.INVITED and count.state is State.NOT_STARTED


def test_open_required_questions_are_counted_per_theme():
    answered = {SlotRef("a", "inhoud"), SlotRef("a", "extra")}
    progress = count_progress(TEMPLATE, ("a", "b"), answered)
    assert [(t.theme_key, t.open_required) for t in progress.themes] == [("a", 0), ("b", 1)]
    assert (progress.open_required, progress.open_themes) == (1, 1)


def test_a_submitted_colleague_counts_as_submitted_whatever_is_open():
    progress = count_progress(TEMPLATE, ("a",), {SlotRef("a", "inhoud")}, submitted=True)
    assert (progress.category, progress.state, progress.open_required) == (
        Category.SUBMITTED,
        State.SUBMITTED,
        1,
    )


def _colleague(name: str, answered: set[SlotRef], **kw) -> ColleagueProgress:
    return ColleagueProgress(name, count_progress(TEMPLATE, ("a", "b"), answered, **kw), NOW)


ALL = {SlotRef("a", "inhoud"), SlotRef("a", "extra"), SlotRef("b", "inhoud"), SlotRef("b", "extra")}


def test_round_progress_counts_each_colleague_with_the_one_count():
    done = ALL - {SlotRef("b", "extra")}  # b's extra question is optional
    answers = tuple(Answer(1, s.theme_key, s.question_key, "x", ("x",), NOW, NOW) for s in done)
    gone = replace(participant(("a",)), id=2, name="Gone", withdrawn=True)
    snapshot = RoundSnapshot(
        Round(1, "R", TEMPLATE, None, NOW), (participant(("a", "b")), gone), answers
    )
    (alice,) = round_progress(snapshot).colleagues  # withdrawn colleagues are not counted
    assert alice.progress == count_progress(TEMPLATE, ("a", "b"), done)
    assert alice.progress.category is Category.DONE


def test_progress_title_and_digest_count_the_same_categories():
    from bot.coordinator_views import progress_text
    from bot.reminders.messages import digest_text
    from conversations.texts import catalogue, plain

    progress = RoundProgress(
        1,
        "R",
        (
            _colleague("Anna", ALL, submitted=True),
            _colleague("Bram", ALL - {SlotRef("b", "extra")}),  # done, not submitted
            _colleague("Carla", set()),
            _colleague("Dirk", set(), invited_only=True),
            _colleague("Eva", set(), invited_only=True),
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
    digest = plain(digest_text(t, "R", sent=1, unreachable=0, failed=[], progress=progress))
    assert digest.splitlines()[1] == counts
