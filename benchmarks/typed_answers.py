"""What the generated colleagues type: the same texts on our side and the reference's."""

from __future__ import annotations

from conversations.template import Question, QuestionKind

__all__ = ["PROSE", "answer_text"]

#: A prose answer of two sentences; long enough that SQLite and the renderers move real text.
PROSE = (
    "We werken met een meldpunt en huisbezoeken; de aanpak loopt, maar de capaciteit is krap "
    "en de informatiedeling met de partners kan beter."
)
# Aliases among them ("wijkagent", "OM") give the overview's partner matching real work.
_PARTNERS = ("Politie, GGD, woningcorporaties", "wijkagent\nRIEC\nOM", "Jongerenwerk; Halt")


def answer_text(question: Question, n: int) -> str:
    """A plausible typed answer to ``question``: an option for a choice, else a list or prose.

    ``n`` varies the answer, so rows differ and a choice cycles through its options.
    """
    if question.kind is QuestionKind.CHOICE:
        return question.options[n % len(question.options)]
    if question.kind is QuestionKind.LIST:
        return _PARTNERS[n % len(_PARTNERS)]
    return f"{PROSE} Antwoord {n}."
