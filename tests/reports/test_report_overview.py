"""Aggregation: a hand-built round snapshot compiled into an Overview."""

from __future__ import annotations

from datetime import datetime

from msgspec.structs import replace
from report_fixtures import CET, NOW, answer, make_snapshot, make_template

from conversations.progress import Category
from reports.overview import Overview, build_overview
from reports.sections import DRAFT, SUBMITTED


def test_round_metadata(overview: Overview) -> None:
    assert overview.round_name == "IVP 2027-2030"
    assert overview.template_title == "Input Integraal Veiligheidsplan"
    assert overview.language == "nl"
    assert overview.deadline.isoformat() == "2025-04-01"
    assert overview.generated_at == NOW
    assert overview.theme_count == 3


def test_every_theme_of_the_template_in_its_order_also_without_input(overview: Overview) -> None:
    assert [t.key for t in overview.themes] == ["woonoverlast", "ondermijning", "digitaal"]
    woon, onder, digitaal = overview.themes
    assert digitaal.answer_count == 0 and digitaal.assigned == () and digitaal.contributors == ()
    assert [t.key for t in overview.themes_with_input] == ["woonoverlast", "ondermijning"]
    assert woon.contributors == ("Anna de Vries", "Bram Jansen")
    assert onder.contributors == ("Anna de Vries",)
    # Carla joined and Dirk's invite is open: assigned, not (yet) contributing.
    assert onder.assigned == ("Anna de Vries", "Carla Bakker", "Dirk Visser")


def test_questions_in_template_order_including_theme_specific(overview: Overview) -> None:
    woon, onder, _ = overview.themes
    assert [q.key for q in woon.questions] == ["inhoud", "partners", "niveau", "capaciteit"]
    assert [q.key for q in onder.questions] == [
        "inhoud",
        "partners",
        "niveau",
        "capaciteit",
        "bibob",
    ]


def test_answers_carry_name_text_items_dates_and_status(overview: Overview) -> None:
    woon = overview.themes[0]
    inhoud = woon.questions[0]
    assert [(a.colleague, a.status) for a in inhoud.answers] == [
        ("Anna de Vries", SUBMITTED),
        ("Bram Jansen", DRAFT),
    ]
    anna = inhoud.answers[0]
    assert anna.text == "We werken met een meldpunt.\nEn huisbezoeken."
    assert anna.items == ()
    # Stored in UTC, shown in the zone of `now`.
    assert anna.created_at == datetime(2025, 3, 4, 9, 0, tzinfo=CET)
    assert anna.updated_at == datetime(2025, 3, 4, 10, 0, tzinfo=CET)
    bram_partners = woon.questions[1].answers[1]
    assert bram_partners.items == ("de politie", "wijkagent", "Veilig Thuis")


def test_list_items_come_from_the_whole_text_not_the_messages_it_came_in() -> None:
    snapshot = make_snapshot()
    appended = replace(
        snapshot.answers[1],
        parts=("Politie, GGD", "afdeling jeugd"),
        text="Politie, GGD\nafdeling jeugd",
    )
    snapshot = replace(snapshot, answers=(appended,))
    overview = build_overview(snapshot, NOW)
    items = overview.themes[0].questions[1].answers[0].items
    assert items == ("Politie", "GGD", "afdeling jeugd")


def test_withdrawn_colleagues_and_unknown_questions_are_left_out(overview: Overview) -> None:
    names = {a.colleague for _, _, a in overview.answers()}
    assert "Eva Smit" not in names
    assert overview.answer_count == 11
    assert all(q.key != "verdwenen" for t in overview.themes for q in t.questions)
    assert "Brandweer" not in {row.name for row in overview.partners.rows}


def test_partner_spellings_and_alias_count_as_one_partner(overview: Overview) -> None:
    matrix = overview.partners
    assert [t.key for t in matrix.themes] == ["woonoverlast", "ondermijning"]
    politie = matrix.rows[0]
    assert politie.name == "Politie"
    # Bram wrote "de politie" and "wijkagent": one mention by Bram, not two.
    assert politie.cell("woonoverlast").named_by == ("Anna de Vries", "Bram Jansen")
    assert politie.cell("ondermijning").named_by == ("Anna de Vries",)
    assert politie.total == 3
    names = [row.name for row in matrix.rows]
    assert names.count("Politie") == 1
    assert not {"de politie", "wijkagent", "politie"} & set(names)
    assert set(names) == {"Politie", "GGD", "RIEC", "Veilig Thuis", "Woningcorporaties"}


def test_round_merges_are_applied() -> None:
    snapshot = replace(make_snapshot(), partner_merges={"woningcorporaties": "Corporaties"})
    names = [row.name for row in build_overview(snapshot, NOW).partners.rows]
    assert "Corporaties" in names
    assert "Woningcorporaties" not in names


def test_merging_back_and_forth_keeps_one_row_named_by_the_newest_merge() -> None:
    merges = {"ggd": "Veilig Thuis", "veilig thuis": "GGD"}
    rows = build_overview(replace(make_snapshot(), partner_merges=merges), NOW).partners.rows
    joined = [row for row in rows if row.name in ("GGD", "Veilig Thuis")]
    assert [(row.name, row.named_by) for row in joined] == [
        ("GGD", ("Anna de Vries", "Bram Jansen"))
    ]


def test_dutch_list_ending_in_en_names_each_partner() -> None:
    snapshot = make_snapshot()
    extra = answer(3, "ondermijning", "partners", "Politie, OM en gemeente")
    snapshot = replace(snapshot, answers=(*snapshot.answers, extra))
    names = [row.name for row in build_overview(snapshot, NOW).partners.rows]
    assert "OM en gemeente" not in names
    assert {"OM", "Gemeente"} <= set(names)


def test_progress_counts(overview: Overview) -> None:
    # Bram answered every required question without submitting: done, as /progress says.
    assert overview.progress.counts() == {
        Category.SUBMITTED: 1,
        Category.DONE: 1,
        Category.NOT_STARTED: 1,
        Category.INVITED: 1,
    }


def test_gaps(overview: Overview) -> None:
    gaps = overview.gaps
    assert [(g.theme.key, g.assigned) for g in gaps.themes_without_input] == [("digitaal", ())]
    assert [(q.theme.key, q.question_key) for q in gaps.unanswered] == [("ondermijning", "inhoud")]
    assert [(n.name, n.joined) for n in gaps.not_started] == [
        ("Carla Bakker", True),
        ("Dirk Visser", False),
    ]
    assert not gaps.empty


def test_priority_with_short_capacity_is_signalled_per_colleague(overview: Overview) -> None:
    signals = overview.gaps.capacity_signals
    # Anna: priority + "onvoldoende" for woonoverlast; for ondermijning capacity is "voldoende";
    # Bram chose "beheersniveau", so no signal whatever his capacity.
    assert [(s.theme.key, s.colleague, s.capacity_answer) for s in signals] == [
        ("woonoverlast", "Anna de Vries", "onvoldoende")
    ]
    assert signals[0].level_answer == "prioriteit"


def test_no_signal_without_priority() -> None:
    snapshot = make_snapshot()
    extra = answer(2, "woonoverlast", "capaciteit", "onvoldoende", day=3)
    overview = build_overview(replace(snapshot, answers=(*snapshot.answers, extra)), NOW)
    assert [s.colleague for s in overview.gaps.capacity_signals] == ["Anna de Vries"]


def test_theme_assigned_but_unanswered_is_a_gap_with_its_people() -> None:
    snapshot = make_snapshot()
    # Drop every ondermijning answer: the theme stays (assigned) and becomes a gap.
    answers = tuple(a for a in snapshot.answers if a.theme_key != "ondermijning")
    overview = build_overview(replace(snapshot, answers=answers), NOW)
    assert "ondermijning" in [t.key for t in overview.themes]
    gap = next(g for g in overview.gaps.themes_without_input if g.theme.key == "ondermijning")
    assert gap.assigned == ("Anna de Vries", "Carla Bakker", "Dirk Visser")
    # An empty theme is one gap, not one per question.
    assert all(q.theme.key != "ondermijning" for q in overview.gaps.unanswered)


def test_empty_round_builds() -> None:
    snapshot = replace(make_snapshot(), participants=(), answers=(), pending_invites=())
    overview = build_overview(snapshot, NOW)
    # The skeleton does not move: every theme has its section, each says it has no input.
    assert [t.key for t in overview.themes] == ["woonoverlast", "ondermijning", "digitaal"]
    assert all(t.answer_count == 0 for t in overview.themes)
    kinds = [[s.kind.value for s in row.signals] for row in overview.priorities.themes]
    assert kinds == [["no_input"]] * 3
    assert overview.partners.rows == ()
    assert len(overview.gaps.themes_without_input) == 3
    assert overview.progress.colleagues == ()


def test_english_template_keeps_its_language() -> None:
    snapshot = make_snapshot(make_template(language="en"))
    assert build_overview(snapshot, NOW).language == "en"


def test_naive_now_leaves_times_as_stored() -> None:
    naive_now = datetime(2025, 3, 14, 16, 30)
    snapshot = make_snapshot()
    theme = build_overview(snapshot, naive_now).themes[0]
    question = theme.questions[0]
    entry = question.answers[0]
    (stored,) = [
        a
        for a in snapshot.answers
        if (a.participant_id, a.theme_key, a.question_key)
        == (entry.participant_id, theme.key, question.key)
    ]
    # Equal instants compare equal across zones: the zone object itself must be the stored one.
    assert (
        entry.created_at == stored.created_at
        and entry.created_at.tzinfo is stored.created_at.tzinfo
    )
    assert (
        entry.updated_at == stored.updated_at
        and entry.updated_at.tzinfo is stored.updated_at.tzinfo
    )
