"""Splitting long HTML over messages: every chunk must be HTML Telegram accepts on its own."""

from __future__ import annotations

import html

import pytest

from bot.lengths import split_text, units
from bot.render import clip_for_html


@pytest.mark.parametrize("offset", range(6))
def test_a_huge_line_is_never_cut_inside_an_entity(offset):
    raw = "x" * offset + "<&>" * 3000
    chunks = split_text(html.escape(raw), 4096)
    assert "".join(chunks) == html.escape(raw)
    for chunk in chunks:
        assert len(chunk) <= 4096
        assert html.escape(html.unescape(chunk)) == chunk  # whole entities only


def test_a_huge_line_is_never_cut_inside_a_tag():
    text = "x" * 4090 + '<a href="https://example.org">link</a>'
    chunks = split_text(text, 4096)
    assert chunks == ["x" * 4090, '<a href="https://example.org">link</a>']


@pytest.mark.parametrize("raw", ["<" * 2000, "a & b " * 400, '"' * 700, "gewoon " * 300])
def test_clip_for_html_bounds_the_escaped_text(raw):
    clipped = clip_for_html(raw, 1500)
    assert len(html.escape(clipped)) <= 1500 and clipped.endswith("…")
    assert raw.startswith(clipped[:-1])


def test_lengths_are_counted_as_telegram_counts_them():
    emoji = "🙂" * 3000  # 3000 characters, 6000 UTF-16 units
    chunks = split_text(emoji)
    assert all(units(chunk) <= 4096 for chunk in chunks) and "".join(chunks) == emoji
