"""User text is hostile: every format must keep it inert and still render all of it."""

from __future__ import annotations

import csv
import io
import re

import docx
import openpyxl
import pytest
from report_fixtures import HOSTILE, LONG

from reports import FORMATS, Overview, render, summary_text
from reports.markdown import escape_markdown
from reports.spreadsheet import looks_like_formula


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_renders_hostile_text_without_control_chars(
    hostile_overview: Overview, fmt: str
) -> None:
    data = render(hostile_overview, fmt)
    if fmt in ("html", "md", "csv"):
        text = data.decode("utf-8-sig")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
        assert "beforeafter" in text
        assert LONG in text  # long answers are kept whole


def test_html_escapes_script_and_markup(hostile_overview: Overview) -> None:
    html = render(hostile_overview, "html").decode()
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Sjabloon&lt;/b&gt; &amp; =1+1" in html
    assert 'href="javascript' not in html
    assert "[x](javascript:alert(1))" in html  # shown as typed, not a link
    # The coverage table is written in Python, not by the template: escaped all the same.
    assert '<tr><th scope="row">=Mallory &lt;i&gt;</th><td class="st-submitted"' in html


def test_docx_keeps_text_literal_and_drops_control_chars(hostile_overview: Overview) -> None:
    document = docx.Document(io.BytesIO(render(hostile_overview, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert HOSTILE["script"] in texts
    assert HOSTILE["formula"] in texts
    assert "beforeafter" in texts
    assert LONG in texts
    assert "=Mallory <i> — " in "\n".join(texts)  # the vertical tab is gone
    (title,) = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == "<script>alert('round')</script>"


def test_markdown_cannot_inject_headings_links_or_html(hostile_overview: Overview) -> None:
    md = render(hostile_overview, "md").decode()
    # Every "<" of user text is escaped; only our own anchors are raw HTML.
    raw_tags = re.findall(r"(?<!\\)<[^>]*>", md)
    own = {"priorities", "theme-woonoverlast", "theme-ondermijning", "theme-digitaal",
           "partners", "gaps", "coverage", "trail"}  # fmt: skip
    assert set(raw_tags) <= {f'<a id="{ident}">' for ident in own} | {"</a>"}
    assert not re.search(r"(?<!\\)\](?!\(#)", md)  # only our own in-page links
    own_headings = [line for line in md.splitlines() if line.startswith("#")]
    assert "# heading" not in own_headings and "> # heading" not in md
    assert "> \\# heading" in md
    assert "\\[x\\](javascript:alert(1))" in md


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# kop", "\\# kop"),
        ("  ## kop", "\\## kop"),
        ("1. item", "1\\. item"),
        ("- item", "\\- item"),
        ("===", "\\==="),
        ("> quote", "\\> quote"),
        ("*vet* _schuin_ `code`", "\\*vet\\* \\_schuin\\_ \\`code\\`"),
        ("a <b> & c", "a \\<b\\> \\& c"),
        ("![img](x)", "!\\[img\\](x)"),
        ("a | b", "a \\| b"),
        ("regel 1\n# regel 2", "regel 1\n\\# regel 2"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_xlsx_stores_formula_like_text_as_text(hostile_overview: Overview) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(hostile_overview, "xlsx")))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and looks_like_formula(c.value)]
    assert {c.value for c in risky} >= {HOSTILE["formula"], "=Mallory <i>"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    answers = [c.value for c in workbook.worksheets[0]["E"]]
    assert LONG in answers and HOSTILE["script"] in answers and "beforeafter" in answers


def test_csv_prefixes_formula_like_cells(hostile_overview: Overview) -> None:
    text = render(hostile_overview, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'" + HOSTILE["formula"] in cells
    assert "'=Mallory <i>" in cells
    assert "'+31 6 12345678\n@SUM(A1)\n-2+3" in cells


def test_summary_is_plain_text_without_control_chars(hostile_overview: Overview) -> None:
    text = summary_text(hostile_overview)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    assert "<script>alert('round')</script>" in text  # escaping is the caller's job
