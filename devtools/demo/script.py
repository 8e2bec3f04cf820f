"""The demo's scenario: who is in the round, which themes they have and what they answer.

The sample answers live in ``answers.toml`` beside this module and are checked against the
template before anyone types: the demo must never discover a bad answer half-way through a chat.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from conversations.template import QuestionKind, Template

__all__ = ["ANSWERS_RESOURCE", "DemoColleague", "DemoError", "DemoScript", "load_script"]

ANSWERS_RESOURCE = "answers.toml"


class DemoError(Exception):
    """The demo cannot go on; the message is one line saying what went wrong."""


@dataclass(frozen=True)
class DemoColleague:
    """One simulated colleague: their themes, their answers and how far they get."""

    name: str
    role: str
    themes: tuple[str, ...]
    answers: Mapping[str, Mapping[str, str]]
    """Theme key -> question key -> answer; a missing question is skipped with the button."""
    submit: bool = False
    """Press "Insturen" in the review that follows the last question."""
    stop_after: int | None = None
    """Leave the chat after this many answers (the colleague stays unfinished)."""

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        return self.name.partition(" ")[2]

    def answer(self, theme_key: str, question_key: str) -> str | None:
        """Returns the answer to give, or None to skip the question."""
        return self.answers.get(theme_key, {}).get(question_key)

    def planned_answers(self) -> int:
        """How many answers this colleague will give before leaving or reaching the review."""
        total = sum(len(by_question) for by_question in self.answers.values())
        return total if self.stop_after is None else min(total, self.stop_after)


@dataclass(frozen=True)
class DemoScript:
    """The round the demo plays: its name, the coordinator and the colleagues."""

    round_name: str
    coordinator: str
    colleagues: tuple[DemoColleague, ...]

    def planned_answers(self) -> int:
        return sum(c.planned_answers() for c in self.colleagues)


def load_script(template: Template, text: str | None = None) -> DemoScript:
    """Reads the sample answers (the shipped file unless ``text`` is given) for ``template``.

    Raises DemoError when a theme, question or choice option does not exist in the template.
    """
    if text is None:
        text = (resources.files("devtools.demo") / ANSWERS_RESOURCE).read_text("utf-8")
    try:
        data = tomllib.loads(text)
        colleagues = tuple(_colleague(template, raw) for raw in data["colleagues"])
        return DemoScript(str(data["round_name"]), str(data["coordinator"]), colleagues)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DemoError(f"bad sample answers in {ANSWERS_RESOURCE}: {exc}") from exc


def _colleague(template: Template, raw: Mapping[str, Any]) -> DemoColleague:
    name = str(raw["name"])
    themes = tuple(str(key) for key in raw["themes"])
    answers: dict[str, dict[str, str]] = {}
    for theme_key, by_question in raw.get("answers", {}).items():
        if template.theme(theme_key) is None or theme_key not in themes:
            raise ValueError(f"{name}: answers for theme {theme_key!r} they are not invited for")
        questions = {q.key: q for q in template.questions_for(theme_key)}
        for question_key, answer in by_question.items():
            question = questions.get(question_key)
            if question is None:
                raise ValueError(f"{name}: no question {question_key!r} in theme {theme_key!r}")
            if question.kind is QuestionKind.CHOICE and answer not in question.options:
                raise ValueError(f"{name}: {answer!r} is not an option of {question_key!r}")
        answers[theme_key] = {k: str(v).strip() for k, v in by_question.items()}
    unknown = [key for key in themes if template.theme(key) is None]
    if unknown:
        raise ValueError(f"{name}: unknown theme(s) {', '.join(unknown)}")
    stop_after = raw.get("stop_after")
    return DemoColleague(
        name=name,
        role=str(raw.get("role", "")),
        themes=themes,
        answers=answers,
        submit=bool(raw.get("submit", False)),
        stop_after=int(stop_after) if stop_after is not None else None,
    )
