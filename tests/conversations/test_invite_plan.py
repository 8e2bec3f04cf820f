"""A list of colleagues checked as a whole before anyone is invited (conversations.invite_plan)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conversations.invite_plan import (
    AlreadyInvited,
    ListError,
    ListProblem,
    PlannedInvite,
    RowError,
    RowProblem,
    match_themes,
    plan_invites,
)
from conversations.template import load_template

IVP = load_template("ivp")


@dataclass(frozen=True)
class Placed:
    name: str
    invite_id: int
    theme_keys: tuple[str, ...] = ()
    coordinator: bool = False


def test_a_good_list_plans_an_invite_per_row_in_template_order():
    rows = [
        ["Naam", "Thema's", "Afdeling"],
        ["Anna de Vries", "jeugd, ondermijning", "VTH"],
        ["Bram", "Regie op jeugd en jeugdoverlast; DIGITAAL", ""],
        ["", "", ""],  # a blank row is no person
        ["Carla", "", "x"],  # no themes: she picks her own
    ]
    plan = plan_invites(rows, IVP, [])
    assert plan.ok and plan.already == ()
    assert plan.new == (
        PlannedInvite(2, "Anna de Vries", ("jeugd", "ondermijning")),
        PlannedInvite(3, "Bram", ("jeugd", "digitaal")),
        PlannedInvite(5, "Carla", ()),
    )


@pytest.mark.parametrize(
    "header",
    [
        ["name", "themes"],
        ["NAAM ", "thema’s"],
        ["Collega", "Thema"],
        ["Name", "Theme", "Coördinator"],
    ],
)
def test_column_titles_in_dutch_or_english(header):
    plan = plan_invites([header, ["Anna", "jeugd"]], IVP, [])
    assert plan.new == (PlannedInvite(2, "Anna", ("jeugd",)),)


def test_every_bad_row_is_named_with_its_value_and_nothing_is_planned():
    rows = [
        [],
        ["naam", "themas", "coordinator"],
        ["Anna", "jeugd"],
        ["", "jeugd"],
        ["Bram", "jeugdd; ondermijning"],
        ["anna ", "ondermijning"],
        ["Coby", "", "misschien"],
        ["Dirk", "jeugd", "ja"],
        ["Eva", "sport"],
    ]
    plan = plan_invites(rows, IVP, [])
    assert not plan.ok and plan.new == () and plan.already == ()
    assert plan.errors == (
        RowError(4, RowProblem.EMPTY_NAME, "jeugd"),
        RowError(5, RowProblem.UNKNOWN_THEME, "jeugdd", suggestion="jeugd"),
        RowError(6, RowProblem.DUPLICATE_NAME, "anna", other_row=3),
        RowError(7, RowProblem.BAD_COORDINATOR, "misschien"),
        RowError(8, RowProblem.COORDINATOR_THEMES, "jeugd"),
        RowError(9, RowProblem.UNKNOWN_THEME, "sport"),
    )


def test_who_is_in_the_round_already_is_skipped_not_an_error():
    rows = [["naam", "thema's", "coördinator"], ["Anna de Vries", "jeugd"], ["Bram", "jeugd"]]
    rows += [["Coby", "", "ja"], ["Coby", "digitaal"]]
    placed = [
        Placed("anna  DE vries", 7, ("ondermijning",)),
        Placed("Coby", 9, coordinator=True),
    ]
    plan = plan_invites(rows, IVP, placed)
    assert plan.ok
    assert plan.already == (
        AlreadyInvited(2, "Anna de Vries", 7, themes_differ=True),
        AlreadyInvited(4, "Coby", 9),
    )
    # Coby coordinates and also answers on a theme: two roles, two places.
    assert plan.new == (
        PlannedInvite(3, "Bram", ("jeugd",)),
        PlannedInvite(5, "Coby", ("digitaal",)),
    )


def test_a_list_that_is_no_list_of_people():
    with pytest.raises(ListError) as empty:
        plan_invites([[], [" "]], IVP, [])
    assert empty.value.problem is ListProblem.EMPTY
    with pytest.raises(ListError) as nameless:
        plan_invites([["Anna", "jeugd"], ["Bram", "digitaal"]], IVP, [])
    assert nameless.value.problem is ListProblem.NO_NAME_COLUMN
    assert nameless.value.columns == ("Anna", "jeugd")
    with pytest.raises(ListError) as themeless:
        plan_invites([["naam", "afdeling"]], IVP, [])
    assert themeless.value.problem is ListProblem.NO_THEMES_COLUMN
    with pytest.raises(ListError) as twice:
        plan_invites([["naam", "name", "themes"]], IVP, [])
    assert twice.value.problem is ListProblem.DUPLICATE_COLUMN and twice.value.value == "name"
    with pytest.raises(ListError) as huge:
        plan_invites([["naam", "thema"], *([f"P{i}", ""] for i in range(1001))], IVP, [])
    assert huge.value.problem is ListProblem.TOO_MANY_ROWS


def test_a_title_holding_a_comma_still_matches_as_a_whole():
    template = IVP.model_copy(
        update={
            "themes": [
                IVP.themes[0].model_copy(update={"title": "Zorg, welzijn en veiligheid"}),
                *IVP.themes[1:],
            ]
        }
    )
    first = template.themes[0].key
    assert match_themes("zorg, welzijn en veiligheid; jeugd", template) == ([first, "jeugd"], [])
    assert match_themes("zorg, jeugd", template) == (["jeugd"], ["zorg"])
    assert match_themes(" ;\n, ", template) == ([], [])
