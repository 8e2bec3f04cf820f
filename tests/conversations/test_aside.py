"""Texts kept aside: nothing typed is thrown away, and one tap places it. The engine alone."""

from __future__ import annotations

from conversations import engine
from conversations.decisions import (
    AskWhere,
    ChooseAddTarget,
    KeepAside,
    MarkPlaced,
    Note,
    PickThemes,
    SaveAnswer,
    ShowReview,
)
from conversations.slots import SlotRef
from conversations.state import AnswerSource, AsideNote, IntakeState, Mode, StoredAnswer
from conversations.template import load_template
from tests.auxil.data import SMALL

TEMPLATE = load_template(SMALL)
A1, A2, A3 = (SlotRef("ondermijning", k) for k in ("inhoud", "partners", "niveau"))
J1, J2, J3 = (SlotRef("jeugd", k) for k in ("inhoud", "partners", "niveau"))


def state(mode=Mode.REVIEW, cursor=A2, answers=None, aside=(), **kw) -> IntakeState:
    stored = {slot: StoredAnswer((text,)) for slot, text in (answers or {}).items()}
    return IntakeState(
        TEMPLATE, ("ondermijning", "jeugd"), stored, mode, cursor, aside=tuple(aside), **kw
    )


def where(decision) -> AskWhere:
    return next(r for r in decision.replies if isinstance(r, AskWhere))


def notes(decision) -> list[str]:
    return [r.key for r in decision.replies if isinstance(r, Note)]


def test_text_in_the_review_is_kept_and_the_question_last_asked_comes_first():
    s = state(answers={A1: "inhoud", A2: "Politie"})
    decision = engine.decide(s, engine.Text(" Ook de GGD ", message_id=77))
    assert decision.changes == (KeepAside("Ook de GGD", 77),)
    ask = where(decision)
    assert ask.note is None and ask.text == "Ook de GGD"
    # The question last asked first (answered or not), then the open ones that it fits: a
    # free text does not fit a choice question (niveau).
    assert [t.slot for t in ask.targets] == [A2, J1, J2]
    assert ask.targets[0].last_asked and (ask.targets[0].theme_no, ask.targets[0].question_no) == (
        1,
        2,
    )
    assert ask.can_add and notes(decision) == ["kept_aside"]


def test_a_kept_text_that_names_an_option_may_answer_a_choice_question():
    s = state(cursor=A3, answers={A1: "x", A2: "y"})
    ask = where(engine.decide(s, engine.Text("prioriteit")))
    assert [t.slot for t in ask.targets][:2] == [A3, J1]


def test_placing_replaces_the_answer_and_returns_to_the_review():
    note = AsideNote(5, "Ook de GGD", 77)
    s = state(answers={A1: "inhoud", A2: "Politie"}, aside=[note])
    decision = engine.decide(s, engine.PlaceAside(5, 1))
    assert decision.changes[:2] == (
        SaveAnswer(A2, ("Ook de GGD",), AnswerSource.ANSWER, 77),
        MarkPlaced(5),
    )
    assert notes(decision)[0] == "aside_placed"
    review = next(r for r in decision.replies if isinstance(r, ShowReview))
    assert review.aside == 0 and review.items[1].answer == "Ook de GGD"


def test_adding_appends_to_the_answer_and_asks_about_the_next_kept_text():
    first, second = AsideNote(5, "GGD", 77), AsideNote(6, "Veilig Thuis", 78)
    s = state(answers={A1: "inhoud", A2: "Politie"}, aside=[first, second])
    offered = engine.decide(s, engine.ShowAddTargets(5))
    choose = offered.replies[0]
    assert isinstance(choose, ChooseAddTarget) and [t.slot for t in choose.targets] == [A2, A1]
    decision = engine.decide(s, engine.AddAside(5, 1))
    assert decision.changes[0] == SaveAnswer(
        A2, ("Politie", "GGD"), AnswerSource.APPEND, 77, part=1
    )
    assert where(decision).note == 6  # the next kept text is asked about right away


def test_a_foreign_or_placed_note_or_a_forged_slot_changes_nothing():
    s = state(answers={A1: "x"}, aside=[AsideNote(5, "tekst")])
    assert engine.decide(s, engine.PlaceAside(99, 0)) is engine.EXPIRED
    assert engine.decide(s, engine.PlaceAside(5, 42)) is engine.EXPIRED
    assert engine.decide(s, engine.AddAside(5, 2)) is engine.EXPIRED  # a choice: no adding
    assert engine.decide(s, engine.AddAside(5, 1)) is engine.EXPIRED  # nothing there yet
    assert engine.decide(s, engine.PlaceAside(5, 2)) is engine.EXPIRED  # no option of niveau


def test_text_while_picking_themes_is_kept_and_placed_once_they_are_chosen():
    picking = IntakeState(TEMPLATE, (), {}, Mode.PICKING, None)
    kept = engine.decide(picking, engine.Text("Ik weet veel over jeugd"))
    assert kept.changes == (KeepAside("Ik weet veel over jeugd"),)
    assert notes(kept) == ["kept_while_picking"] and isinstance(kept.replies[-1], PickThemes)
    chosen = IntakeState(
        TEMPLATE, ("jeugd",), {}, Mode.PICKING, None, aside=(AsideNote(3, "Ik weet veel"),)
    )
    decision = engine.decide(chosen, engine.ConfirmThemes())
    assert where(decision).note == 3 and where(decision).targets[0].slot == J1


def test_where_asks_about_the_oldest_kept_text_or_goes_back():
    s = state(answers={A1: "x"}, aside=[AsideNote(4, "eerst"), AsideNote(5, "later")])
    assert where(engine.decide(s, engine.WhereAside())).note == 4
    nothing = engine.decide(state(answers={A1: "x"}), engine.WhereAside())
    assert isinstance(nothing.replies[-1], ShowReview)


def test_a_text_that_fits_nowhere_is_still_kept():
    everything = {slot: "x" for slot in (A1, A2, J1, J2)} | {A3: "prioriteit", J3: "prioriteit"}
    s = state(cursor=A3, answers=everything)
    decision = engine.decide(s, engine.Text("nog een gedachte"))
    ask = where(decision)
    assert decision.changes == (KeepAside("nog een gedachte"),)
    assert ask.targets == () and ask.can_add  # every answer can take an addition, but A3 no
