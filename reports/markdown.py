"""The overview as Markdown (CommonMark with a GFM table), with user text made inert.

Every user-typed string is escaped so it cannot open a heading, list, quote, link, image,
emphasis, code span or raw HTML: it always reads as the characters that were typed.
"""

from __future__ import annotations

import re
from html import escape as html_escape

from conversations.answers import clean_text
from conversations.texts import Section, catalogue
from reports.formatting import format_date, format_datetime
from reports.overview import Overview
from reports.progress import progress_line
from reports.sections import AnswerEntry

# Inline syntax: emphasis, code, links/images, raw HTML and entities, tables, strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Block syntax at the start of a line: headings, quotes, bullets, setext underlines, numbering.
_BLOCK_START = re.compile(r"^([#>+\-=]|\d+(?=[.)]))")


def escape_markdown(text: str) -> str:
    """Escapes text so Markdown renders it literally; one output line per input line."""
    lines = []
    for line in clean_text(text).split("\n"):
        # Leading spaces would make an indented code block or a nested list: drop them.
        line = _INLINE.sub(r"\\\1", line.strip())
        match = _BLOCK_START.match(line)
        if match:
            token = match.group(1)
            # "1." is neutralised by escaping the dot after the number, "#" by escaping itself.
            line = token + "\\" + line[len(token) :] if token[0].isdigit() else "\\" + line
        lines.append(line)
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escapes text for one line (a heading, a table cell, a list item)."""
    return escape_markdown(" ".join(clean_text(text).split()))


def render_markdown(overview: Overview) -> bytes:
    """Renders the overview as UTF-8 Markdown with the same sections as the HTML document."""
    t = catalogue(overview.language)
    lab = t.labels
    lang = overview.language
    out: list[str] = []
    add = out.append

    add(f"# {_inline(overview.round_name)}\n")
    add(f"*{_inline(lab['document_title'] + ' · ' + overview.template_title)}*\n")
    deadline = format_date(overview.deadline, lang) or lab["no_deadline"]
    add(
        f"{lab['template']}: {_inline(overview.template_title)} · {lab['deadline']}: {deadline}"
        f" · {lab['generated']}: {format_datetime(overview.generated_at, lang)}\n"
    )
    progress = progress_line(overview.progress, t)
    counts = " — " + " · ".join(progress.counts) if progress.counts else ""
    add(f"**{progress.head}**{counts}\n")

    add(f"## {lab['contents']}\n")
    for number, theme in enumerate(overview.themes_with_input, start=1):
        add(f"{number}. [{_inline(theme.title)}](#{theme.anchor}) ({theme.answer_count})")
    add(f"{len(overview.themes_with_input) + 1}. [{lab['partners']}](#partners)")
    add(f"{len(overview.themes_with_input) + 2}. [{lab['gaps']}](#gaps)\n")

    for theme in overview.themes_with_input:
        add(_anchor(theme.anchor))
        add(f"## {_inline(theme.title)}\n")
        if theme.description:
            add(f"*{_inline(theme.description)}*\n")
        add(f"**{lab['contributors']}:** {_names(theme.contributors, lab['nobody'])}  ")
        add(f"**{lab['assigned']}:** {_names(theme.assigned, lab['nobody'])}\n")
        for question in theme.questions:
            add(f"### {_inline(question.text)}\n")
            if not question.answers:
                add(f"*{lab['no_answers']}*\n")
            for answer in question.answers:
                add(_answer(answer, overview, lab))

    add(_anchor("partners"))
    add(f"## {lab['partners']}\n")
    add(_partner_table(overview, lab))

    add(_anchor("gaps"))
    add(f"## {lab['gaps']}\n")
    add(_gaps(overview, lab))
    add(f"---\n\n*{lab['footer']}*\n")
    return "\n".join(out).encode("utf-8")


def _anchor(ident: str) -> str:
    # An explicit anchor: heading slugs differ per Markdown renderer, ids we choose do not.
    return f'<a id="{html_escape(ident)}"></a>\n'


def _names(names: tuple[str, ...], nobody: str) -> str:
    return ", ".join(_inline(n) for n in names) or nobody


def _answer(answer: AnswerEntry, overview: Overview, lab: Section) -> str:
    when = format_datetime(answer.updated_at, overview.language)
    lines = [f"**{_inline(answer.colleague)}** · *{when} · {lab[answer.status]}*", ""]
    if answer.items:
        lines += [f"- {_inline(item)}" for item in answer.items]
    else:
        lines += [f"> {line}".rstrip() for line in escape_markdown(answer.text).split("\n")]
    return "\n".join(lines) + "\n"


def _partner_table(overview: Overview, lab: Section) -> str:
    matrix = overview.partners
    if not matrix.rows:
        return f"*{lab['no_partners']}*\n"
    header = [lab["partner"], *(_inline(t.title) for t in matrix.themes), lab["total"]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in matrix.rows:
        cells = [f"**{_inline(row.name)}**"]
        for cell in row.cells:
            named = f" ({', '.join(_inline(n) for n in cell.named_by)})" if cell.count else ""
            cells.append(f"{cell.count}{named}" if cell.count else "")
        cells.append(f"**{row.total}**")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _gaps(overview: Overview, lab: Section) -> str:
    gaps = overview.gaps
    if gaps.empty:
        return f"*{lab['no_gaps']}*\n"
    parts: list[str] = []
    if gaps.capacity_signals:
        parts.append(f"### {lab['capacity_signals']}\n")
        parts += [
            f"- {_inline(s.theme.title)}: **{_inline(s.colleague)}** {lab['capacity_signal']}"
            f" *{_inline(s.capacity_answer)}*"
            for s in gaps.capacity_signals
        ]
        parts.append("")
    if gaps.themes_without_input:
        parts.append(f"### {lab['themes_without_input']}\n")
        for gap in gaps.themes_without_input:
            who = (
                f"{lab['assigned'].lower()} {_names(gap.assigned, lab['nobody'])}"
                if gap.assigned
                else lab["unassigned"]
            )
            parts.append(f"- {_inline(gap.theme.title)} — {who}")
        parts.append("")
    if gaps.unanswered:
        parts.append(f"### {lab['unanswered']}\n")
        for q in gaps.unanswered:
            optional = "" if q.required else f" ({lab['optional']})"
            parts.append(f"- {_inline(q.theme.title)}: {_inline(q.question_text)}{optional}")
        parts.append("")
    if gaps.not_started:
        parts.append(f"### {lab['not_started_heading']}\n")
        for person in gaps.not_started:
            state = lab["joined_no_answers"] if person.joined else lab["invite_not_opened"]
            parts.append(f"- {_inline(person.name)} ({state})")
        parts.append("")
    return "\n".join(parts)
