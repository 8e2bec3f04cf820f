"""Answer text: one cleaning rule for what is stored and what documents write."""

from __future__ import annotations

import re
import unicodedata
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from conversations import answers
from conversations.answers import clean_name, clean_text, normalise_answer, split_items
from conversations.template import Question


def test_clean_text_keeps_what_a_reader_sees_and_drops_the_rest():
    hostile = " a\r\nb\rc\td\x00\x07\x1b\x7f\u200b\ufeff\ud800\ufffe\uffffe "
    assert clean_text(hostile) == " a\nb\nc\tde "


# The rule as written in full, without clean_text's shortcut for printable text.
_RULE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff\ud800-\udfff\ufffe\uffff]")


@given(st.text(alphabet=st.characters(exclude_categories=[]), max_size=40))  # surrogates too
def test_clean_text_follows_one_rule_whatever_the_text(text):
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    assert clean_text(text) == unicodedata.normalize("NFC", _RULE.sub("", unified))


def test_clean_text_composes_and_does_not_trim():
    assert clean_text("Cafe\u0301") == "Café"
    assert clean_text(" — 12-01 — concept") == " — 12-01 — concept"


def test_stored_answers_and_names_are_trimmed_as_well():
    question = Question(key="q", text="Q?")
    assert normalise_answer(question, "  \u200b Politie\r\n ") == "Politie"
    assert normalise_answer(question, " \u200b\ufeff ") is None
    assert clean_name("  Anna \x00 de\u200b  Vries\n") == "Anna de Vries"


@given(st.text(alphabet="ab ,;()[]{}\n-&•1.en", max_size=30) | st.sampled_from(["x en y, z"]))
def test_a_list_without_brackets_is_split_as_the_bracket_rule_would(text):
    # split_items skips the per-character bracket walk when a line has no bracket at all.
    quick = split_items(text)
    with patch.object(answers, "_has_bracket", lambda line: True):
        assert split_items(text) == quick
