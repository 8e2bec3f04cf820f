"""The intake engine on its own: no Telegram, no database, just state in and decisions out."""

from __future__ import annotations

from conversations import engine
from conversations.decisions import (
    Ask,
    AskWhere,
    ConfirmSubmit,
    KeepAside,
    MarkSubmitted,
    MoveTo,
    Note,
    PickThemes,
    SaveAnswer,
    SetThemes,
    ShowReview,
)
from conversations.slots import SlotRef
from conversations.state import IntakeState, Mode, StoredAnswer
from conversations.template import load_template
from tests.auxil.data import SMALL

TEMPLATE = load_template(SMALL)
A1, A2, A3 = (SlotRef("ondermijning", k) for k in ("inhoud", "partners", "niveau"))
J1 = SlotRef("jeugd", "inhoud")


def state(mode=Mode.ASKING, cursor=A1, answers=None, themes=("ondermijning", "jeugd"), **kw):
    stored = {slot: StoredAnswer((text,)) for slot, text in (answers or {}).items()}
    return IntakeState(TEMPLATE, themes, stored, mode, cursor, **kw)


def notes(decision) -> list[str]:
    return [r.key for r in decision.replies if isinstance(r, Note)]


def asked(decision) -> Ask:
    return next(r for r in decision.replies if isinstance(r, Ask))


def test_start_asks_the_first_question_with_its_place():
    decision = engine.start(state(cursor=None))
    ask = asked(decision)
    assert (ask.slot, ask.theme_no, ask.theme_count, ask.question_no, ask.question_count) == (
        A1,
        1,
        2,
        1,
        3,
    )
    assert MoveTo(Mode.ASKING, A1) in decision.changes


def test_start_without_themes_opens_the_picker():
    decision = engine.start(state(cursor=None, themes=()))
    assert decision.replies == (PickThemes(()),)
    assert decision.changes == (MoveTo(Mode.PICKING, None),)


def test_text_saves_then_asks_next_and_offers_append():
    decision = engine.decide(state(), engine.Text("  Antwoord  ", 55))
    assert decision.changes[0] == SaveAnswer(A1, ("Antwoord",), "answer", 55)
    ask = asked(decision)
    assert ask.slot == A2 and ask.append_target == 0
    assert notes(decision) == ["saved"]


def test_empty_text_changes_nothing():
    decision = engine.decide(state(), engine.Text("   \u200b "))
    assert decision.changes == () and notes(decision) == ["empty_answer"]


def test_choice_accepts_option_text_or_number_and_rejects_other_text():
    at_choice = state(cursor=A3)
    assert engine.decide(at_choice, engine.Text("Prioriteit")).changes[0].parts == ("prioriteit",)
    assert engine.decide(at_choice, engine.Text("3")).changes[0].parts == ("beheersniveau",)
    rejected = engine.decide(at_choice, engine.Text("weet niet"))
    assert rejected.changes == () and notes(rejected) == ["choose_an_option"]
    assert asked(rejected).slot == A3  # the options are shown again


def test_choose_button_for_a_question_no_longer_current_is_expired():
    assert engine.decide(state(cursor=A1), engine.Choose(at=2, option=0)) is engine.EXPIRED
    assert engine.decide(state(cursor=A3), engine.Choose(at=2, option=9)) is engine.EXPIRED


def test_skip_moves_on_and_the_last_slot_leads_to_review():
    decision = engine.decide(state(cursor=A1), engine.Skip(at=0))
    assert asked(decision).slot == A2 and notes(decision) == ["skipped"]
    last = SlotRef("jeugd", "niveau")
    review = engine.decide(state(cursor=last), engine.Skip(at=5))
    assert isinstance(review.replies[-1], ShowReview)
    assert review.replies[-1].open_required == 4


def test_answering_skips_over_slots_already_answered():
    decision = engine.decide(state(answers={A2: "Politie", A3: "prioriteit"}), engine.Text("x"))
    assert asked(decision).slot == J1


def test_back_shows_the_previous_question_with_its_answer():
    decision = engine.decide(state(cursor=A2, answers={A1: "eerder"}), engine.Back(at=1))
    ask = asked(decision)
    assert ask.slot == A1 and ask.current == "eerder"
    first = engine.decide(state(cursor=A1), engine.Back(at=0))
    assert notes(first) == ["at_first_question"]


def test_append_then_text_extends_the_answer_and_returns_to_the_question():
    s = state(cursor=A2, answers={A1: "deel een"})
    decision = engine.decide(s, engine.Append(at=1, target=0))
    assert decision.changes == (MoveTo(Mode.APPENDING, A1),)
    appending = state(mode=Mode.APPENDING, cursor=A1, answers={A1: "deel een"})
    decision = engine.decide(appending, engine.Text("deel twee", 77))
    assert decision.changes[0] == SaveAnswer(A1, ("deel een", "deel twee"), "append", 77, part=1)
    assert asked(decision).slot == A2


def test_edit_from_review_returns_to_review():
    s = state(mode=Mode.REVIEW, cursor=None, answers={A1: "oud"})
    decision = engine.decide(s, engine.Edit(at=0))
    assert asked(decision).editing and MoveTo(Mode.EDITING, A1) in decision.changes
    editing = state(mode=Mode.EDITING, cursor=A1, answers={A1: "oud"})
    decision = engine.decide(editing, engine.Text("nieuw"))
    assert decision.changes[0].parts == ("nieuw",)
    assert isinstance(decision.replies[-1], ShowReview)


def test_submit_asks_confirmation_when_required_questions_are_open():
    s = state(mode=Mode.REVIEW, cursor=None, answers={A1: "x"})
    assert engine.decide(s, engine.Submit()).replies == (ConfirmSubmit(3),)
    confirmed = engine.decide(s, engine.Submit(confirmed=True))
    assert MarkSubmitted() in confirmed.changes and notes(confirmed) == ["submitted"]
    nothing = engine.decide(state(mode=Mode.REVIEW, cursor=None), engine.Submit())
    assert nothing.changes == () and notes(nothing) == ["nothing_to_submit"]


def test_locked_after_deadline_refuses_changes_but_keeps_what_was_typed():
    s = state(mode=Mode.REVIEW, cursor=None, answers={A1: "x"}, submitted=True, locked=True)
    late = engine.decide(s, engine.Text("te laat"))
    assert late.changes == (KeepAside("te laat"),) and notes(late) == ["kept_after_deadline"]
    skipped = engine.decide(s, engine.Skip())
    assert skipped.changes == () and notes(skipped) == ["locked"]
    assert engine.decide(s, engine.Review()).replies[0].locked


def test_picking_themes_keeps_template_order():
    s = state(mode=Mode.PICKING, cursor=None, themes=())
    decision = engine.decide(s, engine.ToggleTheme(1))
    assert decision.changes == (SetThemes(("jeugd",)),)
    both = engine.decide(
        state(mode=Mode.PICKING, cursor=None, themes=("jeugd",)), engine.ToggleTheme(0)
    )
    assert both.changes == (SetThemes(("ondermijning", "jeugd")),)
    assert engine.decide(s, engine.ToggleTheme(7)) is engine.EXPIRED
    assert notes(engine.decide(s, engine.ConfirmThemes())) == ["pick_at_least_one"]


def test_message_edit_replaces_one_part_of_an_answer():
    s = IntakeState(
        TEMPLATE, ("ondermijning",), {A1: StoredAnswer(("een", "twee"))}, Mode.ASKING, A2
    )
    decision = engine.decide(s, engine.MessageEdited(A1, 1, "TWEE"))
    assert decision.changes == (SaveAnswer(A1, ("een", "TWEE"), "edit", part=1),)
    unknown = engine.decide(s, engine.MessageEdited(A3, 0, "x"))
    assert unknown.changes == (KeepAside("x"),) and notes(unknown) == ["edit_kept_aside"]
    assert isinstance(unknown.replies[-1], AskWhere)


def test_status_counts_answered_and_open_required():
    note = engine.decide(state(answers={A1: "x", A3: "prioriteit"}), engine.Status()).replies[0]
    assert note == Note("status", {"answered": 2, "total": 6, "open_required": 3, "themes": 2})


def test_resume_repeats_the_question_last_asked():
    decision = engine.decide(state(cursor=J1), engine.Continue(welcome_back=True))
    assert notes(decision) == ["welcome_back"] and asked(decision).slot == J1


def test_continue_from_review_goes_to_the_first_open_required_question():
    s = state(mode=Mode.REVIEW, cursor=None, answers={A1: "x", A2: "y"})
    assert asked(engine.decide(s, engine.Continue())).slot == J1
    submitted = state(mode=Mode.REVIEW, cursor=None, answers={A1: "x"}, submitted=True)
    assert asked(engine.decide(submitted, engine.Continue())).slot == A2
    complete = {A1: "x", A2: "y", J1: "z", SlotRef("jeugd", "partners"): "w"}
    done = state(mode=Mode.REVIEW, cursor=None, answers=complete, submitted=True)
    assert isinstance(engine.decide(done, engine.Continue()).replies[-1], ShowReview)


def test_continue_while_picking_shows_the_picker_again():
    s = state(mode=Mode.PICKING, cursor=None, themes=("jeugd",))
    assert engine.decide(s, engine.Continue(welcome_back=True)).replies == (PickThemes(("jeugd",)),)


def test_typed_commands_while_picking_point_to_the_picker_and_old_buttons_expire():
    s = state(mode=Mode.PICKING, cursor=None, themes=("jeugd",))
    for typed in (engine.Skip(), engine.Back(), engine.Review(), engine.Submit()):
        decision = engine.decide(s, typed)
        assert decision.changes == ()
        assert decision.replies == (Note("pick_themes_first"), PickThemes(("jeugd",))), typed
    text = engine.decide(s, engine.Text("x"))  # a text is kept: placed once themes are chosen
    assert text.changes == (KeepAside("x"),)
    assert text.replies == (Note("kept_while_picking"), PickThemes(("jeugd",)))
    for stale in (engine.Skip(at=0), engine.Back(at=1), engine.Edit(at=0), engine.Choose(2, 0)):
        assert engine.decide(s, stale) is engine.EXPIRED, stale


def test_back_from_the_review_returns_to_the_question_the_colleague_came_from():
    at_j1 = state(cursor=J1, answers={A1: "x"})
    review = engine.decide(at_j1, engine.Review())
    assert MoveTo(Mode.REVIEW, J1) in review.changes
    back = engine.decide(state(mode=Mode.REVIEW, cursor=J1, answers={A1: "x"}), engine.Back())
    assert asked(back).slot == J1


def test_keeping_an_answer_goes_to_the_very_next_question_even_if_answered():
    walking_back = state(cursor=A1, answers={A1: "a", A2: "b"})
    decision = engine.decide(walking_back, engine.Skip(at=0))
    assert notes(decision) == ["kept"] and asked(decision).slot == A2
