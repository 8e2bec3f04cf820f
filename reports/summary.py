"""A few plain-text lines that accompany the overview document in the chat."""

from __future__ import annotations

from conversations.answers import clean_text
from conversations.texts import catalogue
from reports.formatting import format_datetime
from reports.overview import Overview
from reports.progress import progress_line
from reports.wording import purged_notice

_TOP_PARTNERS = 5


def summary_text(overview: Overview) -> str:
    """Returns a short plain-text summary: progress, themes with input, answers, top partners.

    Progress is counted and worded as /progress and the documents count it.

    Not escaped for any markup: the caller escapes it for the chat's parse mode.
    """
    t = catalogue(overview.language)
    lab = t.labels
    if overview.purged:
        return clean_text(f"{lab['purged_heading']}. {purged_notice(overview, t)}")
    total = overview.answer_count
    submitted = overview.submitted_answer_count
    lines = [
        f"{lab['summary_title']} {overview.round_name} "
        f"({lab['summary_as_of']} {format_datetime(overview.generated_at, overview.language)})",
        progress_line(overview.progress, t).text,
        f"{lab['summary_themes']}: {len(overview.themes_with_input)} {lab['summary_of']} "
        f"{overview.theme_count}; {t.label('answers', count=total)} "
        f"({submitted} {lab['submitted']}, {total - submitted} {lab['draft']})",
    ]
    top = overview.partners.rows[:_TOP_PARTNERS]
    if top:
        named = ", ".join(f"{row.name} ({row.total})" for row in top)
        lines.append(f"{lab['summary_top_partners']}: {named}")
    gaps = overview.gaps
    signals = []
    if gaps.capacity_signals:
        signals.append(f"{lab['summary_capacity']}: {len(gaps.capacity_signals)}")
    if gaps.themes_without_input:
        signals.append(f"{lab['summary_no_input']}: {len(gaps.themes_without_input)}")
    if signals:
        lines.append(f"{lab['summary_signals']}: {', '.join(signals)}")
    return clean_text("\n".join(lines))
