"""What coordinators read in the chat: progress, rounds and partners as Telegram HTML. Pure."""

from __future__ import annotations

import html
from datetime import UTC, datetime, tzinfo

from bot.render import shorten
from conversations.progress import Category
from conversations.texts import Catalogue, Markup
from reports.overview import PartnerMatrix
from reports.progress import RoundProgress, counts_in_words
from storage.records import Round

_ICON = {
    Category.SUBMITTED: "🟢",
    Category.DONE: "✅",
    Category.IN_PROGRESS: "🟡",
    Category.NOT_STARTED: "⚪",
    Category.INVITED: "✉️",
}


_STATE_TEXT = {
    Category.SUBMITTED: "state_submitted",
    Category.DONE: "state_complete",
    Category.IN_PROGRESS: "state_in_progress",
    Category.NOT_STARTED: "state_not_started",
    Category.INVITED: "state_invite_unopened",
}


def progress_counts(progress: RoundProgress | None, t: Catalogue) -> str:
    """Returns the round's progress counts as HTML, e.g. "🟢 2 ingestuurd · 🟡 1 bezig".

    The words are the documents' (non-zero categories only); the chat adds an icon to each.
    """
    words = counts_in_words(progress, t) if progress else {}
    parts = [f"{_ICON[k]} {html.escape(text, quote=False)}" for k, text in words.items()]
    return " · ".join(parts) or t("progress_counts_none")


def progress_text(progress: RoundProgress, t: Catalogue, zone: tzinfo | None = None) -> str:
    """Returns progress as Telegram HTML: one line per colleague, then one per theme; for a
    purged round only what the purge kept, naming nobody.

    ``zone`` is where the dates of closing and purging are read (default: UTC)."""
    if progress.purged_at is not None:
        state = "\n".join(_round_state(progress, t, zone or UTC))
        return t("progress_title", round=progress.round_name, counts=Markup(state)).rstrip()
    lines = [
        t(
            "progress_title",
            round=progress.round_name,
            counts=Markup(progress_counts(progress, t)),
        )
    ]
    lines += _round_state(progress, t, zone or UTC)
    for c in progress.colleagues:
        count = c.progress
        state = t(_STATE_TEXT[count.category], answered=count.answered, total=count.total)
        line = f"{_ICON[count.category]} {html.escape(c.name)} — {state}"
        if c.unreachable:
            line += " · " + t("state_unreachable")
        if c.invite_id is not None:
            line += f" · #{c.invite_id}"  # what /withdraw and /assign take where names clash
        lines.append(line)
    if not progress.colleagues and progress.purged_at is None:
        lines.append(t("progress_nobody"))
    if progress.withdrawn:
        names = ", ".join(
            html.escape(w.name) + (f" (#{w.invite_id})" if w.invite_id is not None else "")
            for w in progress.withdrawn
        )
        lines.append(t("progress_withdrawn", names=Markup(names), count=len(progress.withdrawn)))
    lines.append("\n" + t("progress_themes"))
    for theme in progress.themes:
        line = t("progress_theme", theme=theme.title, contributors=theme.contributors)
        if theme.unanswered:
            questions = "; ".join(shorten(q, 60) for q in theme.unanswered)
            line += "\n   " + t("progress_unanswered", questions=questions)
        lines.append(line)
    return "\n".join(lines)


def _round_state(progress: RoundProgress, t: Catalogue, zone: tzinfo) -> list[str]:
    """A closed or purged round says so first; a purged one with what it kept, no names."""

    def day(moment: datetime) -> str:
        return t.date(moment.astimezone(zone).date())

    if progress.purged_at is not None:
        kept = progress.kept
        return [
            t(
                "progress_purged",
                date=day(progress.purged_at),
                colleagues=kept.colleagues if kept else 0,
                submitted=kept.submitted if kept else 0,
            )
        ]
    if progress.closed_at is not None:
        return [t("progress_closed", date=day(progress.closed_at))]
    return []


def rounds_text(rounds: list[Round], active: Round, t: Catalogue) -> str:
    """Returns the list of rounds, the active one marked."""
    lines = [t("rounds_title")]
    for r in rounds:
        marker = "▶️ " if r.id == active.id else ""
        deadline = t.date(r.deadline) if r.deadline else "—"
        lines.append(f"{marker}#{r.id} <b>{html.escape(r.name)}</b> · {deadline}")
    return "\n".join(lines)


def partners_text(round_name: str, matrix: PartnerMatrix, t: Catalogue) -> str:
    """Returns the partners named in a round, most named first, with their themes."""
    titles = {theme.key: theme.title for theme in matrix.themes}
    lines = [t("partners_title", round=round_name)]
    for row in matrix.rows:
        themes = ", ".join(titles[c.theme_key] for c in row.cells if c.count)
        lines.append(f"• <b>{html.escape(row.name)}</b> ({row.total}) — {html.escape(themes)}")
    if not matrix.rows:
        lines.append(t("partners_none"))
    lines.append("\n" + t("partners_merge_hint"))
    return "\n".join(lines)
