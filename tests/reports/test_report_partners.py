"""The partner registry: one partner however colleagues spell it."""

from __future__ import annotations

import pytest

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


def test_unseen_name_gets_a_tidy_display_name() -> None:
    registry = PartnerRegistry()
    assert registry.canonical("  de woningcorporaties, ") == "Woningcorporaties"
    assert registry.canonical("GGD") == "GGD"


def test_merge_wins_and_follows_aliases() -> None:
    registry = PartnerRegistry(
        {"Politie": ["wijkagent"]},
        merges={"politie hollands midden": "wijkagent", "ggd hm": "GGD Hollands Midden"},
    )
    assert registry.canonical("Politie Hollands-Midden") == "Politie Hollands-Midden"
    assert registry.canonical("Politie Hollands Midden") == "Politie"
    assert registry.canonical("GGD HM") == "GGD Hollands Midden"


def test_alias_cycles_do_not_hang() -> None:
    registry = PartnerRegistry(merges={"a": "b", "b": "a"})
    assert registry.canonical("a") in {"a", "b"}
