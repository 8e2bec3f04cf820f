"""The overview's recurring phrases, the same in every format. Plain text; renderers escape.

Names in tables are capped ("Anna, Bram en 12 anderen"): a round of a thousand colleagues
would otherwise put hundreds of names in one cell. Chapters list everyone.
"""

from __future__ import annotations

from conversations.texts import Catalogue
from reports.coverage import CATEGORY_STATE, CellState
from reports.overview import Overview
from reports.priorities import ChoiceTally, NamedGroup, Signal

__all__ = [
    "CATEGORY_STATE",
    "NAME_LIMIT",
    "CellState",
    "choice_text",
    "contributors_text",
    "group_head",
    "group_text",
    "name_list",
    "signal_details",
    "signal_head",
    "signal_text",
    "state_label",
    "version_text",
]

#: How many names a table cell or a signal shows before "and N others".
NAME_LIMIT = 12


def name_list(names: tuple[str, ...], t: Catalogue, limit: int | None = NAME_LIMIT) -> str:
    """Names joined by commas, cut after ``limit`` with "en N anderen" ("" for none)."""
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    rest = t.label("and_others", count=len(names) - limit)
    return f"{', '.join(names[:limit])} {rest}" if limit else rest


def group_head(group: NamedGroup) -> str:
    """ "prioriteit (2)", a label without names, or "" for names without a label."""
    if not group.names:
        return group.label
    return f"{group.label} ({group.count})" if group.label else ""


def group_text(group: NamedGroup, t: Catalogue, limit: int | None = NAME_LIMIT) -> str:
    """ "prioriteit (2): Anna de Vries, Bram Jansen"."""
    head, names = group_head(group), name_list(group.names, t, limit)
    return f"{head}: {names}" if head and names else head or names


def choice_text(tally: ChoiceTally | None, t: Catalogue, limit: int | None = NAME_LIMIT) -> str:
    """Every option picked with who picked it, "; " between options ("" when nobody did)."""
    if tally is None:
        return ""
    return "; ".join(group_text(c, t, limit) for c in tally.choices)


def signal_head(signal: Signal, t: Catalogue) -> str:
    """The signal in words: "Collega's verschillen van mening over het niveau"."""
    return t.label(f"signal_{signal.kind.value}")


def signal_details(signal: Signal, t: Catalogue, limit: int | None = NAME_LIMIT) -> str:
    """What the signal is about: options with names, questions, or the people assigned."""
    return "; ".join(filter(None, (group_text(g, t, limit) for g in signal.groups)))


def signal_text(signal: Signal, t: Catalogue, limit: int | None = NAME_LIMIT) -> str:
    """The whole signal on one line: "Head: details"."""
    details = signal_details(signal, t, limit)
    return f"{signal_head(signal, t)}: {details}" if details else signal_head(signal, t)


def version_text(overview: Overview, t: Catalogue) -> str:
    """Which answers this version holds."""
    return t.label("version_submitted" if overview.submitted_only else "version_all")


def state_label(state: CellState, t: Catalogue) -> str:
    """A coverage state in words."""
    return t.label(f"coverage_{state.value}")


def with_status(names: tuple[str, ...], label: str) -> tuple[str, ...]:
    """ "Anna de Vries (ingestuurd)" for each name."""
    return tuple(f"{n} ({label})" for n in names)


def contributors_text(
    section_submitted: tuple[str, ...], drafting: tuple[str, ...], t: Catalogue
) -> str:
    """Contributors with their status: submitted first, then drafts."""
    lab = t.labels
    return ", ".join(
        with_status(section_submitted, lab["submitted"]) + with_status(drafting, lab["draft"])
    )


def purged_notice(overview: Overview, t: Catalogue) -> str:
    """What a purged round's document says of it: what was erased and what is left."""
    return t.label(
        "purged_notice", colleagues=overview.kept_colleagues, submitted=overview.kept_submitted
    )
