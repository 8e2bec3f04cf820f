"""The priority picture, the gaps it adds and the submitted-only version: the model."""

from __future__ import annotations

import pickle

from msgspec.structs import replace
from report_fixtures import NOW, answer, make_snapshot, make_template, person

from reports.overview import build_overview
from reports.priorities import SignalKind, shorten
from reports.render import filename
from storage.records import RoundSnapshot


def disagreeing_round() -> RoundSnapshot:
    """Anna: prioriteit/onvoldoende; Bram: overig strategisch thema/voldoende, for one theme;
    Carla is assigned woonoverlast too and never starts it (she answered ondermijning)."""
    snapshot = make_snapshot()
    extra = (
        answer(2, "woonoverlast", "capaciteit", "voldoende", day=3),
        answer(3, "ondermijning", "inhoud", "Bibob loopt.", day=4),
    )
    answers = tuple(
        replace(a, text="overig strategisch thema")
        if (a.participant_id, a.question_key) == (2, "niveau")
        else a
        for a in snapshot.answers
    )
    people = tuple(
        replace(p, theme_keys=("ondermijning", "woonoverlast")) if p.id == 3 else p
        for p in snapshot.participants
    )
    return replace(snapshot, answers=(*answers, *extra), participants=people)


def kinds(overview, theme: str) -> list[SignalKind]:
    row = overview.priorities.for_theme(theme)
    return [s.kind for s in row.signals]


def test_levels_and_capacity_in_the_templates_own_words_with_who_proposed_them() -> None:
    overview = build_overview(disagreeing_round(), NOW)
    row = overview.priorities.for_theme("woonoverlast")
    assert [(c.label, c.names) for c in row.level.choices] == [
        ("prioriteit", ("Anna de Vries",)),
        ("overig strategisch thema", ("Bram Jansen",)),
    ]
    assert [(c.label, c.names) for c in row.capacity.choices] == [
        ("voldoende", ("Bram Jansen",)),
        ("onvoldoende", ("Anna de Vries",)),
    ]
    assert row.partner_count == 4  # Politie, GGD, Woningcorporaties, Veilig Thuis
    assert [t.theme.key for t in overview.priorities.themes] == [
        "woonoverlast",
        "ondermijning",
        "digitaal",
    ]


def test_disagreement_on_level_and_capacity_and_priority_without_capacity_are_signals() -> None:
    overview = build_overview(disagreeing_round(), NOW)
    assert kinds(overview, "woonoverlast") == [
        SignalKind.PRIORITY_WITHOUT_CAPACITY,
        SignalKind.LEVEL_DISAGREEMENT,
        SignalKind.CAPACITY_DISAGREEMENT,
    ]
    short = overview.priorities.for_theme("woonoverlast").signals[0]
    assert [(g.label, g.names) for g in short.groups] == [("onvoldoende", ("Anna de Vries",))]


def test_nobody_proposing_priority_and_required_questions_unanswered_are_signals() -> None:
    snapshot = make_snapshot()
    answers = tuple(
        replace(a, text="beheersniveau") if a.question_key == "niveau" else a
        for a in snapshot.answers
    )
    overview = build_overview(replace(snapshot, answers=answers), NOW)
    assert SignalKind.NO_PRIORITY in kinds(overview, "woonoverlast")
    assert SignalKind.NO_PRIORITY in kinds(overview, "ondermijning")
    required = overview.priorities.for_theme("ondermijning").signals[-1]
    assert required.kind is SignalKind.REQUIRED_UNANSWERED
    assert [g.label for g in required.groups] == ["Waar gaat dit thema over?"]
    assert kinds(overview, "digitaal") == [SignalKind.NO_INPUT]


def test_a_template_without_roles_gives_fewer_columns() -> None:
    template = make_template(
        questions=[{"key": "inhoud", "text": "Waar gaat dit thema over?"}], partner_aliases={}
    )
    snapshot = make_snapshot(template)
    overview = build_overview(snapshot, NOW)
    picture = overview.priorities
    assert not (picture.has_level or picture.has_capacity or picture.has_partners)
    assert not picture.has_ambition
    assert all(row.level is None and row.partner_count is None for row in picture.themes)


def test_ambition_role_is_implied_by_its_key_and_shortened() -> None:
    from conversations.template import QuestionRole, load_template

    ivp = load_template("ivp")
    assert next(q for q in ivp.questions if q.key == "ambitie").role is QuestionRole.AMBITION
    implied = make_template(questions=[{"key": "ambitie", "text": "Ambitie?"}])
    assert implied.questions[0].role is QuestionRole.AMBITION
    assert shorten("Meer handhaving. Daarna de rest.") == "Meer handhaving."
    long = shorten("woord " * 100)
    assert len(long) <= 160 and long.endswith("…")


def test_gaps_name_the_assigned_colleague_who_never_started_the_theme() -> None:
    overview = build_overview(disagreeing_round(), NOW)
    woon = overview.themes[0]
    assert woon.not_started == ("Carla Bakker",)
    assert [(g.theme.key, g.names) for g in overview.gaps.theme_not_started] == [
        ("woonoverlast", ("Carla Bakker",))
    ]
    # A colleague who never started at all is listed with the themes waiting for them.
    base = build_overview(make_snapshot(), NOW)
    carla = next(n for n in base.gaps.not_started if n.name == "Carla Bakker")
    assert carla.themes == ("Aanpak ondermijning",)


def test_gaps_name_who_finished_but_did_not_submit() -> None:
    overview = build_overview(make_snapshot(), NOW)
    assert overview.gaps.not_submitted == ("Bram Jansen",)


def test_state_of_affairs_per_theme() -> None:
    woon, onder, digitaal = build_overview(make_snapshot(), NOW).themes
    assert woon.submitted_by == ("Anna de Vries",) and woon.drafting == ("Bram Jansen",)
    assert [q.key for q in onder.open_questions] == ["inhoud"]
    assert onder.not_started == ("Carla Bakker", "Dirk Visser")
    assert digitaal.answer_count == 0 and digitaal.not_started == ()


def test_submitted_only_leaves_drafts_out_and_says_so() -> None:
    snapshot = make_snapshot()
    full = build_overview(snapshot, NOW)
    only = build_overview(snapshot, NOW, submitted_only=True)
    assert only.submitted_only and not full.submitted_only
    assert {a.colleague for _, _, a in only.answers()} == {"Anna de Vries"}
    assert all(a.submitted for _, _, a in only.answers())
    assert only.themes[0].drafts_left_out == ("Bram Jansen",)
    assert only.themes[0].not_started == ()  # Bram did start: his input is left out, not missing
    assert "Bram Jansen" not in {n for row in only.partners.rows for n in row.named_by}
    assert only.progress == full.progress  # the round's count stays the whole round
    assert filename(only, "docx") == "overzicht-IVP-2027-2030-ingestuurd.docx"
    assert filename(full, "docx") == "overzicht-IVP-2027-2030.docx"


def test_partners_have_one_name_in_the_chapters_with_the_typed_spelling_kept() -> None:
    overview = build_overview(make_snapshot(), NOW)
    bram = overview.themes[0].questions[1].answers[1]
    assert [(m.name, m.typed, m.differs) for m in bram.partners] == [
        ("Politie", "de politie", True),
        ("Politie", "wijkagent", True),
        ("Veilig Thuis", "Veilig Thuis", False),
    ]
    assert overview.partners.rows[0].spellings == ("de politie", "wijkagent")


def test_coverage_colours_each_colleague_and_theme_by_state() -> None:
    overview = build_overview(make_snapshot(), NOW)
    rows = {r.name: [c.state.value for c in r.cells] for r in overview.coverage.rows}
    assert rows["Anna de Vries"] == ["submitted", "submitted", "not_assigned"]
    assert rows["Bram Jansen"] == ["complete", "not_assigned", "not_assigned"]
    assert rows["Carla Bakker"] == ["not_assigned", "not_started", "not_assigned"]
    assert rows["Dirk Visser"] == ["not_assigned", "invited", "not_assigned"]


def test_the_overview_pickles_for_a_worker_process() -> None:
    overview = build_overview(disagreeing_round(), NOW, submitted_only=True)
    assert pickle.loads(pickle.dumps(overview)) == overview


def test_a_theme_given_to_an_idle_colleague_names_them_in_its_chapter() -> None:
    snapshot = make_snapshot()
    extra = person(6, "Fien", ("digitaal",))
    overview = build_overview(replace(snapshot, participants=(*snapshot.participants, extra)), NOW)
    assert overview.themes[2].assigned == ("Fien",) and overview.themes[2].not_started == ("Fien",)
