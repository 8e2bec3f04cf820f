"""The partner registry: one partner however colleagues spell it."""

from __future__ import annotations

import pytest

from conversations.template import load_template
from reports.partners import PartnerRegistry, normalise_partner


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Politie", "politie"),
        ("de politie", "politie"),
        ("  De   Politie. ", "politie"),
        (" politie", "politie"),
        ("Het Zorg- en Veiligheidshuis", "zorg- en veiligheidshuis"),
        ("the Police!", "police"),
        ("een wijkagent", "wijkagent"),
        ("Openbaar Ministerie (OM)", "openbaar ministerie (om)"),
        ("(RIEC)", "riec"),
        ("- GGD;", "ggd"),
        ("<GGD>", "ggd"),  # only wrapped: decoration, as "(RIEC)" is
        ("-> Politie <-", "politie"),
        ("<b>Brandweer</b>", "<b>brandweer</b>"),  # markup: kept as typed, not half of it
        ("de", "de"),  # an article alone is a name, not nothing
        ("...", ""),
    ],
)
def test_normalise_partner(name: str, key: str) -> None:
    assert normalise_partner(name) == key


def test_spellings_and_alias_become_one_partner() -> None:
    registry = PartnerRegistry({"Politie": ["wijkagent"]})
    names = ["Politie", "de politie", " politie", "wijkagent"]
    assert {registry.key(n) for n in names} == {"politie"}
    assert {registry.canonical(n) for n in names} == {"Politie"}


def test_display_name_is_the_most_common_spelling() -> None:
    registry = PartnerRegistry()
    registry.observe_all(["veilig thuis", "Veilig Thuis", "de Veilig Thuis", "VEILIG THUIS"])
    assert registry.canonical("veilig thuis") == "Veilig Thuis"


def test_a_partner_typed_with_markup_is_shown_as_typed_not_half_stripped() -> None:
    # Pasted from a mail: "<b>Brandweer</b>" once read "B>Brandweer</b".
    assert PartnerRegistry().canonical("<b>Brandweer</b>") == "<b>Brandweer</b>"


def test_unseen_name_gets_a_tidy_display_name() -> None:
    registry = PartnerRegistry()
    assert registry.canonical("  de woningcorporaties, ") == "Woningcorporaties"
    assert registry.canonical("GGD") == "GGD"


def test_merge_onto_an_alias_joins_its_group_and_names_it() -> None:
    registry = PartnerRegistry(
        {"Politie": ["wijkagent"]},
        merges={"politie hollands midden": "wijkagent", "ggd hm": "GGD Hollands Midden"},
    )
    assert registry.canonical("Politie Hollands-Midden") == "Politie Hollands-Midden"
    names = ["Politie", "wijkagent", "Politie Hollands Midden"]
    assert len({registry.key(n) for n in names}) == 1
    # The newest merge touching a group names it, over the template canonical.
    assert {registry.canonical(n) for n in names} == {"wijkagent"}
    assert registry.canonical("GGD HM") == "GGD Hollands Midden"
    assert registry.key("GGD HM") == registry.key("GGD Hollands Midden")


def test_alias_cycles_do_not_hang() -> None:
    registry = PartnerRegistry(merges={"a": "b", "b": "a"})
    assert registry.key("a") == registry.key("b")
    assert registry.canonical("b") == "a"


IVP_POLICE = ["Politie", "de politie", "wijkagent", "Politie Hollands Midden"]


def test_merging_a_canonical_onto_its_own_alias_keeps_one_partner() -> None:
    registry = PartnerRegistry(
        load_template("ivp").partner_aliases, {"politie": "Politie Hollands Midden"}
    )
    assert len({registry.key(n) for n in IVP_POLICE}) == 1
    assert {registry.canonical(n) for n in IVP_POLICE} == {"Politie Hollands Midden"}


def test_merging_an_alias_onto_itself_keeps_it_with_its_canonical() -> None:
    registry = PartnerRegistry(load_template("ivp").partner_aliases, {"om": "OM"})
    assert registry.key("OM") == registry.key("Openbaar Ministerie")
    assert registry.canonical("Openbaar Ministerie") == "OM"


def test_merging_back_and_forth_keeps_one_partner_named_by_the_newest() -> None:
    there_and_back = {"ggd": "Veilig Thuis", "veilig thuis": "GGD"}
    registry = PartnerRegistry(merges=there_and_back)
    assert registry.key("GGD") == registry.key("Veilig Thuis")
    assert registry.canonical("Veilig Thuis") == registry.canonical("ggd") == "GGD"
    back_and_there = {"veilig thuis": "GGD", "ggd": "Veilig Thuis"}
    assert PartnerRegistry(merges=back_and_there).canonical("GGD") == "Veilig Thuis"


def test_merges_chain_through_groups_in_any_order() -> None:
    aliases = {"Politie": ["wijkagent"], "Openbaar Ministerie": ["om"]}
    for merges in (
        {"wijkagent": "OM", "a": "b", "b": "politie"},
        {"b": "politie", "a": "b", "wijkagent": "OM"},
    ):
        registry = PartnerRegistry(aliases, merges)
        keys = {
            registry.key(n) for n in ["a", "B", "Politie", "wijkagent", "om", "Openbaar Ministerie"]
        }
        assert len(keys) == 1, merges
        # Keys do not depend on the order merges were made in.
        assert keys == {"politie"}


def test_display_name_precedence() -> None:
    registry = PartnerRegistry({"Politie": ["wijkagent"]})
    registry.observe_all(["wijkagent", "wijkagent", "politie"])
    assert registry.canonical("wijkagent") == "Politie"  # template canonical over usage
    merged = PartnerRegistry({"Politie": ["wijkagent"]}, {"wijkagent": "Wijkagenten"})
    assert merged.canonical("politie") == "Wijkagenten"  # merges name a group
    plain = PartnerRegistry(merges={"riec": "riec"})
    plain.observe_all(["RIEC", "RIEC", "riec"])
    assert plain.canonical("riec") == "riec"  # a merge target as typed, even over usage
