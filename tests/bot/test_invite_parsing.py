"""Reading `/invite`'s words (bot/invite_parsing.py): a name and themes, never a theme typed
wrong taken for part of the name."""

from __future__ import annotations

import pytest

from bot.invite_parsing import parse_invite
from conversations.template import load_template

IVP = load_template("ivp")


@pytest.mark.parametrize(
    ("typed", "name", "themes", "unknown"),
    [
        ("Jan de Vries", "Jan de Vries", (), ()),
        ("piet jansen", "piet jansen", (), ()),  # typed in lower case: all of it a name
        ("Anna van der Berg jeugd", "Anna van der Berg", ("jeugd",), ()),
        ("Piet jeugdzorg", "Piet", (), ("jeugdzorg",)),
        ("Piet jeugdzorg jeugd", "Piet", ("jeugd",), ("jeugdzorg",)),
        ('"Piet jeugdzorg" jeugd', "Piet jeugdzorg", ("jeugd",), ()),  # quoted: the name
        ("Ellen de", "Ellen de", (), ()),
    ],
)
def test_names_and_themes(typed, name, themes, unknown):
    request = parse_invite(typed, IVP)
    assert (request.name, request.themes, request.unknown) == (name, themes, unknown)
