"""The overview as Markdown (CommonMark with a GFM table), with user text made inert.

Every user-typed string is escaped so it cannot open a heading, list, quote, link, image,
emphasis, code span or raw HTML: it always reads as the characters that were typed.
"""

from __future__ import annotations

import re
from html import escape as html_escape

from conversations.answers import clean_text
from conversations.texts import Catalogue, Section, catalogue
from reports.formatting import format_date, format_datetime
from reports.overview import Overview
from reports.progress import progress_line
from reports.sections import AnswerEntry, ThemeSection
from reports.wording import (
    CATEGORY_STATE,
    choice_text,
    contributors_text,
    name_list,
    purged_notice,
    signal_text,
    state_label,
    version_text,
)

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
    if overview.purged:
        return _purged(overview, t).encode("utf-8")
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
    add(f"**{lab['version']}:** {version_text(overview, t)}\n")
    progress = progress_line(overview.progress, t)
    counts = " — " + " · ".join(progress.counts) if progress.counts else ""
    add(f"**{progress.head}**{counts}\n")

    add(f"## {lab['contents']}\n")
    entries = [(lab["priorities"], "priorities", "")]
    entries += [(_inline(s.title), s.anchor, f" ({s.answer_count})") for s in overview.themes]
    entries += [
        (lab["gaps"], "gaps", ""),
        (lab["partners"], "partners", ""),
        (lab["coverage"], "coverage", ""),
        (lab["trail"], "trail", ""),
    ]
    for number, (title, anchor, count) in enumerate(entries, start=1):
        add(f"{number}. [{title}](#{anchor}){count}")
    add("")

    add(_anchor("priorities"))
    add(f"## {lab['priorities']}\n")
    add(f"*{lab['priorities_intro']}*\n")
    add(_priority_table(overview, t))

    for theme in overview.themes:
        add(_theme(theme, overview, t))

    add(_anchor("partners"))
    add(f"## {lab['partners']}\n")
    add(_partner_table(overview, t))

    add(_anchor("gaps"))
    add(f"## {lab['gaps']}\n")
    add(_gaps(overview, t))
    add(_anchor("coverage"))
    add(f"## {lab['coverage']}\n")
    add(_coverage(overview, t))
    add(_anchor("trail"))
    add(f"## {lab['trail']}\n")
    add(_trail(overview, t))
    add(f"---\n\n*{lab['footer']}*\n")
    return "\n".join(out).encode("utf-8")


def _trail(overview: Overview, t: Catalogue) -> str:
    """The audit appendix: per answer its number of versions, first and last."""
    lab, lang = t.labels, overview.language
    if not overview.answer_count:
        return f"*{lab['trail_intro']}*\n\n*{lab['no_answers']}*\n"
    header = [
        lab["theme"],
        lab["question"],
        lab["colleague"],
        lab["versions"],
        lab["first_version"],
        lab["last_version"],
    ]
    lines = [f"*{lab['trail_intro']}*\n", "| " + " | ".join(header) + " |", "|" + "---|" * 6]
    for theme, question, answer in overview.answers():
        cells = [
            _inline(theme.title),
            _inline(question.text),
            _inline(answer.colleague),
            str(answer.versions),
            format_datetime(answer.created_at, lang),
            format_datetime(answer.updated_at, lang),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _purged(overview: Overview, t: Catalogue) -> str:
    """A purged round: that it was erased, and the counts per theme and question."""
    lab, lang = t.labels, overview.language
    dates = []
    if overview.closed_at:
        dates.append(f"{lab['closed']}: {format_datetime(overview.closed_at, lang)}")
    if overview.purged_at:
        dates.append(f"{lab['purged']}: {format_datetime(overview.purged_at, lang)}")
    dates.append(f"{lab['generated']}: {format_datetime(overview.generated_at, lang)}")
    out = [
        f"# {_inline(overview.round_name)}\n",
        f"*{_inline(lab['document_title'] + ' · ' + overview.template_title)}*\n",
        " · ".join(dates) + "\n",
        f"## {lab['purged_heading']}\n",
        f"{purged_notice(overview, t)}\n",
        f"### {lab['purged_counts']}\n",
        f"| {lab['theme']} | {lab['question']} | {lab['answer_count']} |",
        "|---|---|---|",
    ]
    out += [
        f"| {_inline(row.theme.title)} | {_inline(row.question)} | {row.answers} |"
        for row in overview.kept
    ]
    out.append(f"\n---\n\n*{lab['footer']}*\n")
    return "\n".join(out)


def _anchor(ident: str) -> str:
    # An explicit anchor: heading slugs differ per Markdown renderer, ids we choose do not.
    return f'<a id="{html_escape(ident)}"></a>\n'


def _names(names: tuple[str, ...], nobody: str) -> str:
    return ", ".join(_inline(n) for n in names) or nobody


def _theme(theme: ThemeSection, overview: Overview, t: Catalogue) -> str:
    lab = t.labels
    out = [_anchor(theme.anchor), f"## {_inline(theme.title)}\n"]
    if theme.description:
        out.append(f"*{_inline(theme.description)}*\n")
    out.append(f"### {lab['state_of_affairs']}\n")
    facts = [(lab["assigned"], _inline(name_list(theme.assigned, t, None)) or lab["nobody"])]
    contributors = contributors_text(theme.submitted_by, theme.drafting, t)
    facts.append((lab["contributors"], _inline(contributors) or lab["no_input_yet"]))
    if theme.not_started:
        facts.append((lab["not_started_heading"], _inline(name_list(theme.not_started, t, None))))
    if theme.drafts_left_out:
        facts.append((lab["drafts_left_out"], _inline(name_list(theme.drafts_left_out, t, None))))
    row = overview.priorities.for_theme(theme.key)
    if theme.answer_count:
        if theme.open_questions:
            opened = "; ".join(q.text for q in theme.open_questions)
            facts.append((lab["open_questions"], _inline(opened)))
        if row is not None and row.level is not None:
            facts.append((lab["level"], _inline(choice_text(row.level, t, None)) or "—"))
        if row is not None and row.capacity is not None:
            facts.append((lab["capacity"], _inline(choice_text(row.capacity, t, None)) or "—"))
    out += [f"- **{label}:** {value}" for label, value in facts]
    if theme.answer_count and row is not None:
        out += [f"- ⚠ {_inline(signal_text(s, t, None))}" for s in row.signals]
    out.append("")
    if not theme.answer_count:
        out.append(f"*{lab['no_input_yet']}*\n")
        return "\n".join(out)
    for question in theme.questions:
        out.append(f"### {_inline(question.text)}\n")
        if not question.answers:
            out.append(f"*{lab['no_answers']}*\n")
        out += [_answer(answer, overview, lab) for answer in question.answers]
    return "\n".join(out)


def _priority_table(overview: Overview, t: Catalogue) -> str:
    lab, picture = t.labels, overview.priorities
    header = [lab["theme"]]
    header += [lab["level"]] if picture.has_level else []
    header += [lab["capacity"]] if picture.has_capacity else []
    header += [lab["ambition"]] if picture.has_ambition else []
    header += [lab["partner_count"]] if picture.has_partners else []
    header.append(lab["signals"])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in picture.themes:
        cells = [f"[{_inline(row.theme.title)}](#{row.theme.anchor})"]
        if picture.has_level:
            cells.append(_inline(choice_text(row.level, t)))
        if picture.has_capacity:
            cells.append(_inline(choice_text(row.capacity, t)))
        if picture.has_ambition:
            shown = "; ".join(f"{a.colleague}: {a.short}" for a in row.ambitions[:3])
            if len(row.ambitions) > 3:
                shown += " " + t.label("and_others", count=len(row.ambitions) - 3)
            cells.append(_inline(shown))
        if picture.has_partners:
            cells.append("—" if row.partner_count is None else str(row.partner_count))
        signals = "; ".join(signal_text(s, t) for s in row.signals) or lab["no_signals"]
        cells.append(_inline(signals))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _coverage(overview: Overview, t: Catalogue) -> str:
    lab, cover = t.labels, overview.coverage
    header = [lab["colleague"], *(_inline(x.title) for x in cover.themes), lab["status"]]
    lines = [
        f"*{lab['coverage_intro']}*\n",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for person in cover.rows:
        cells = [_inline(person.name)]
        cells += [
            f"{c.fraction} {state_label(c.state, t)}" if c.fraction else "" for c in person.cells
        ]
        cells.append(state_label(CATEGORY_STATE[person.category], t))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _answer(answer: AnswerEntry, overview: Overview, lab: Section) -> str:
    when = format_datetime(answer.updated_at, overview.language)
    lines = [f"**{_inline(answer.colleague)}** · *{when} · {lab[answer.status]}*", ""]
    if answer.partners:
        for m in answer.partners:
            typed = f" *({lab['typed_as']}: {_inline(m.typed)})*" if m.differs else ""
            lines.append(f"- {_inline(m.name)}{typed}")
    elif answer.items:
        lines += [f"- {_inline(item)}" for item in answer.items]
    else:
        lines += [f"> {line}".rstrip() for line in escape_markdown(answer.text).split("\n")]
    return "\n".join(lines) + "\n"


def _partner_table(overview: Overview, t: Catalogue) -> str:
    lab, matrix = t.labels, overview.partners
    if not matrix.rows:
        return f"*{lab['no_partners']}*\n"
    header = [lab["partner"], *(_inline(t.title) for t in matrix.themes), lab["total"]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in matrix.rows:
        cells = [f"**{_inline(row.name)}**"]  # canonical; spellings are in the chapters
        for cell in row.cells:
            named = f" ({_inline(name_list(cell.named_by, t))})" if cell.count else ""
            cells.append(f"{cell.count}{named}" if cell.count else "")
        cells.append(f"**{row.total}**")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _gaps(overview: Overview, t: Catalogue) -> str:
    lab, gaps = t.labels, overview.gaps
    signals = overview.priorities.signals
    if gaps.empty and not signals:
        return f"*{lab['no_gaps']}*\n"
    parts: list[str] = []

    def block(title: str, lines: list[str]) -> None:
        if lines:
            parts.extend([f"### {title}\n", *lines, ""])

    block(
        lab["signals"],
        [f"- {_inline(s.theme.title)}: {_inline(signal_text(s, t))}" for s in signals],
    )
    block(
        lab["themes_without_input"],
        [
            f"- {_inline(gap.theme.title)} — "
            + (
                f"{lab['assigned'].lower()} {_inline(name_list(gap.assigned, t))}"
                if gap.assigned
                else lab["unassigned"]
            )
            for gap in gaps.themes_without_input
        ],
    )
    block(
        lab["unanswered"],
        [
            f"- {_inline(q.theme.title)}: {_inline(q.question_text)}"
            + ("" if q.required else f" ({lab['optional']})")
            for q in gaps.unanswered
        ],
    )
    block(
        lab["not_started_heading"],
        [
            f"- {_inline(p.name)} ({lab['joined_no_answers' if p.joined else 'invite_not_opened']})"
            + (f" — {_inline(', '.join(p.themes))}" if p.themes else "")
            for p in gaps.not_started
        ],
    )
    block(
        lab["theme_not_started"],
        [
            f"- {_inline(i.theme.title)}: {_inline(name_list(i.names, t, None))}"
            for i in gaps.theme_not_started
        ],
    )
    if gaps.not_submitted:
        block(lab["not_submitted"], [_inline(name_list(gaps.not_submitted, t, None))])
    block(
        lab["unplaced"],
        [
            f"- **{_inline(k.colleague)}** "
            f"({format_datetime(k.kept_at, overview.language)}): {_inline(k.text)}"
            for k in gaps.unplaced
        ],
    )
    return "\n".join(parts)
