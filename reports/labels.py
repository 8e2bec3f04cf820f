"""Every fixed text the overview documents show, one catalogue per language.

Documents use Dutch when the template's language is "nl" and English otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_NL: dict[str, str] = {
    "document_title": "Overzichtsbeeld",
    "round": "Ronde",
    "template": "Sjabloon",
    "deadline": "Deadline",
    "no_deadline": "geen",
    "generated": "Samengesteld op",
    "contents": "Inhoud",
    "progress": "Voortgang",
    "participants": "Deelnemers",
    "submitted": "ingestuurd",
    "draft": "concept",
    "in_progress": "bezig",
    "not_started": "niet begonnen",
    "pending_invites": "uitnodiging niet geopend",
    "theme": "Thema",
    "question": "Vraag",
    "colleague": "Collega",
    "answer": "Antwoord",
    "status": "Status",
    "last_edited": "Laatst bewerkt",
    "contributors": "Inbreng van",
    "assigned": "Toegewezen aan",
    "nobody": "niemand",
    "no_answers": "Nog geen antwoorden.",
    "partners": "Partners",
    "partner": "Partner",
    "total": "Totaal",
    "named_by": "Genoemd door",
    "no_partners": "Er zijn nog geen partners genoemd.",
    "gaps": "Lacunes en signalen",
    "themes_without_input": "Thema's zonder inbreng",
    "unassigned": "aan niemand toegewezen",
    "unanswered": "Vragen zonder antwoord",
    "optional": "optioneel",
    "not_started_heading": "Nog niet begonnen",
    "invite_not_opened": "uitnodiging nog niet geopend",
    "joined_no_answers": "aangemeld, nog geen antwoord",
    "capacity_signals": "Prioriteit zonder capaciteit",
    "capacity_signal": "stelt prioriteit voor, maar capaciteit:",
    "no_gaps": "Geen lacunes of signalen.",
    "sheet_answers": "Antwoorden",
    "sheet_partners": "Partners",
    "summary_title": "Overzicht",
    "summary_as_of": "stand",
    "summary_themes": "Thema's met inbreng",
    "summary_of": "van",
    "summary_answers_one": "{count} antwoord",
    "summary_answers_many": "{count} antwoorden",
    "summary_submitted_one": "{count} ingestuurd",
    "summary_submitted_many": "{count} ingestuurd",
    "summary_done_one": "{count} klaar, nog niet ingestuurd",
    "summary_done_many": "{count} klaar, nog niet ingestuurd",
    "summary_in_progress_one": "{count} bezig",
    "summary_in_progress_many": "{count} bezig",
    "summary_not_started_one": "{count} nog niet begonnen",
    "summary_not_started_many": "{count} nog niet begonnen",
    "summary_invited_one": "{count} uitnodiging nog niet geopend",
    "summary_invited_many": "{count} uitnodigingen nog niet geopend",
    "summary_top_partners": "Meest genoemde partners",
    "summary_signals": "Signalen",
    "summary_capacity": "prioriteit zonder capaciteit",
    "summary_no_input": "thema's zonder inbreng",
    "footer": "Samengesteld door themabot",
    "page": "Pagina",
}

_EN: dict[str, str] = {
    "document_title": "Overview",
    "round": "Round",
    "template": "Template",
    "deadline": "Deadline",
    "no_deadline": "none",
    "generated": "Compiled on",
    "contents": "Contents",
    "progress": "Progress",
    "participants": "Participants",
    "submitted": "submitted",
    "draft": "draft",
    "in_progress": "in progress",
    "not_started": "not started",
    "pending_invites": "invite not opened",
    "theme": "Theme",
    "question": "Question",
    "colleague": "Colleague",
    "answer": "Answer",
    "status": "Status",
    "last_edited": "Last edited",
    "contributors": "Input from",
    "assigned": "Assigned to",
    "nobody": "nobody",
    "no_answers": "No answers yet.",
    "partners": "Partners",
    "partner": "Partner",
    "total": "Total",
    "named_by": "Named by",
    "no_partners": "No partners have been named yet.",
    "gaps": "Gaps and signals",
    "themes_without_input": "Themes without input",
    "unassigned": "not assigned to anyone",
    "unanswered": "Questions without an answer",
    "optional": "optional",
    "not_started_heading": "Not started yet",
    "invite_not_opened": "invite not opened yet",
    "joined_no_answers": "joined, no answer yet",
    "capacity_signals": "Priority without capacity",
    "capacity_signal": "proposes a priority, but capacity:",
    "no_gaps": "No gaps or signals.",
    "sheet_answers": "Answers",
    "sheet_partners": "Partners",
    "summary_title": "Overview",
    "summary_as_of": "as of",
    "summary_themes": "Themes with input",
    "summary_of": "of",
    "summary_answers_one": "{count} answer",
    "summary_answers_many": "{count} answers",
    "summary_submitted_one": "{count} submitted",
    "summary_submitted_many": "{count} submitted",
    "summary_done_one": "{count} done, not submitted yet",
    "summary_done_many": "{count} done, not submitted yet",
    "summary_in_progress_one": "{count} in progress",
    "summary_in_progress_many": "{count} in progress",
    "summary_not_started_one": "{count} not started",
    "summary_not_started_many": "{count} not started",
    "summary_invited_one": "{count} invitation not opened yet",
    "summary_invited_many": "{count} invitations not opened yet",
    "summary_top_partners": "Most named partners",
    "summary_signals": "Signals",
    "summary_capacity": "priority without capacity",
    "summary_no_input": "themes without input",
    "footer": "Compiled by themabot",
    "page": "Page",
}

# A label catalogue: label key -> text.
Labels = Mapping[str, str]

CATALOGUES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"nl": MappingProxyType(_NL), "en": MappingProxyType(_EN)}
)


def counted(labels: Labels, key: str, n: int) -> str:
    """Returns counted label ``key`` for ``n``: ``KEY_one`` for 1, else ``KEY_many``, with {count}.

    The same convention as the chat's catalogue (bot.texts.Catalogue.count).
    """
    return labels[f"{key}_{'one' if n == 1 else 'many'}"].format(count=n)


def labels_for(language: str) -> Labels:
    """Returns the label catalogue for a template language: Dutch for "nl", else English."""
    return CATALOGUES["nl" if language == "nl" else "en"]
