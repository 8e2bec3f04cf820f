"""The intake as data: a Template of Themes and the Questions asked per theme.

Templates are TOML files validated with pydantic. A round stores a JSON snapshot of its
template (``Template.model_dump_json``), so editing a file never changes a running round.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from conversations.texts import DEFAULT_LANGUAGE, known_language

# Keys are identifiers; outside templates write them as they like ("Thema1"). Where people type
# a theme key (invites), it is matched case-insensitively: see Template.theme_key.
Key = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]


class QuestionKind(StrEnum):
    """How an answer is given and stored."""

    TEXT = "text"  # free text
    LIST = "list"  # several items, one per line or separated by commas/semicolons
    CHOICE = "choice"  # one of fixed options, shown as buttons


class QuestionRole(StrEnum):
    """Questions the overview reads for more than their text."""

    PARTNERS = "partners"  # a list of partner organisations: feeds the partner registry
    CAPACITY = "capacity"  # choice; the first option means "enough", any other means short
    LEVEL = "level"  # choice; the first option means "make this a priority"
    AMBITION = "ambition"  # text; the colleague's ambition, shown in short in the priority picture


class _Strict(BaseModel):
    # Unknown keys are typos in a hand-written file; rejecting them beats silently ignoring them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    """One question, asked for every theme (or for one theme when listed under it)."""

    key: Key
    text: str = Field(min_length=1, max_length=1000)
    help: str = Field(default="", max_length=1000)
    kind: QuestionKind = QuestionKind.TEXT
    required: bool = True
    options: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list)
    # What the overview does with the answer beyond listing it (see QuestionRole).
    role: QuestionRole | None = None

    @model_validator(mode="before")
    @classmethod
    def _partner_list_by_name(cls, data: object) -> object:
        # A list question keyed "partners" (or "partner_...") names partners even in a template
        # written without roles, as in the documented minimal format; a text question keyed
        # "ambitie"/"ambition" is the ambition (also in rounds stored before roles existed).
        if not isinstance(data, dict) or data.get("role") is not None:
            return data
        key = str(data.get("key", "")).casefold()
        kind = data.get("kind", QuestionKind.TEXT.value)
        if kind == QuestionKind.LIST.value and "partner" in key:
            return {**data, "role": QuestionRole.PARTNERS.value}
        if kind == QuestionKind.TEXT.value and key.startswith("ambiti"):
            return {**data, "role": QuestionRole.AMBITION.value}
        return data

    @model_validator(mode="after")
    def _options_match_kind(self) -> Question:
        if self.kind is QuestionKind.CHOICE:
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if len({o.casefold() for o in self.options}) != len(self.options):
                raise ValueError("choice options must differ")
        elif self.options:
            raise ValueError("only a choice question has options")
        if self.role is QuestionRole.PARTNERS and self.kind is not QuestionKind.LIST:
            raise ValueError("role = 'partners' needs kind = 'list'")
        if self.role in (QuestionRole.CAPACITY, QuestionRole.LEVEL) and not self.options:
            raise ValueError(f"role = '{self.role}' needs kind = 'choice'")
        if self.role is QuestionRole.AMBITION and self.kind is not QuestionKind.TEXT:
            raise ValueError("role = 'ambition' needs kind = 'text'")
        return self


class Theme(_Strict):
    """A theme colleagues give input on."""

    key: Key
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=1000)
    # Extra questions asked only for this theme, after the common ones.
    questions: list[Question] = Field(default_factory=list)


class ReminderPolicy(_Strict):
    """When colleagues with open questions are nudged. Days are working days."""

    enabled: bool = True
    hour: int = Field(default=9, ge=7, le=18)  # local time of day reminders go out
    first_after_days: int = Field(default=3, ge=1, le=30)  # after the invite, if not started
    weekday: int | None = Field(default=0, ge=0, le=4)  # weekly nudge (0 = Monday); None = off
    before_deadline_days: list[int] = Field(default_factory=lambda: [3, 1])


class PrivacyPolicy(_Strict):
    """What `/privacy` says in a round beyond the defaults, and how long its data is kept.

    Every text is optional plain text; left out, the catalogue's default (nl or en) is used.
    """

    # A round is purged (names, Telegram ids and answers erased) this many days after it was
    # closed; None: only by hand (`themabot purge`). A round can change it.
    retention_days: int | None = Field(default=None, ge=0, le=3650)
    controller: str = Field(default="", max_length=300)  # who is responsible for the data
    contact: str = Field(default="", max_length=300)  # where to ask (the privacy officer)
    purpose: str = Field(default="", max_length=2000)  # why the input is collected
    access: str = Field(default="", max_length=2000)  # who sees it
    retention: str = Field(default="", max_length=2000)  # how long it is kept, in words


class Template(_Strict):
    """A complete intake: the questions asked for each of the themes."""

    key: Key
    title: str = Field(min_length=1, max_length=200)
    language: str = DEFAULT_LANGUAGE  # one of LANGUAGES: the language the bot speaks in the round
    description: str = Field(default="", max_length=2000)
    # Asked for every theme; may be empty when every theme has questions of its own.
    questions: list[Question] = Field(default_factory=list)
    themes: list[Theme] = Field(min_length=1)
    # Partner aliases: canonical name -> other ways colleagues write it ("wijkagent" -> Politie).
    partner_aliases: dict[str, list[str]] = Field(default_factory=dict)
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    privacy: PrivacyPolicy = Field(default_factory=PrivacyPolicy)

    @field_validator("language")
    @classmethod
    def _known_language(cls, language: str) -> str:
        return known_language(language)

    @field_validator("themes")
    @classmethod
    def _unique_theme_keys(cls, themes: list[Theme]) -> list[Theme]:
        _require_unique([t.key for t in themes], "theme key")
        # People type theme keys in any case, so "Jeugd" must mean one theme.
        first: dict[str, str] = {}
        for theme in themes:
            other = first.setdefault(theme.key.casefold(), theme.key)
            if other != theme.key:
                raise ValueError(f"theme keys {other!r} and {theme.key!r} differ only in case")
        return themes

    @model_validator(mode="after")
    def _unique_question_keys(self) -> Template:
        common = [q.key for q in self.questions]
        _require_unique(common, "question key")
        for theme in self.themes:
            _require_unique(
                common + [q.key for q in theme.questions], f"question key in {theme.key}"
            )
        return self

    @model_validator(mode="after")
    def _every_theme_has_questions(self) -> Template:
        if not self.questions:
            empty = [t.key for t in self.themes if not t.questions]
            if empty:
                raise ValueError(
                    f"no questions for theme {', '.join(repr(k) for k in empty)}: add "
                    "[[themes.questions]] under each theme, or common [[questions]] for all"
                )
        return self

    def theme(self, key: str) -> Theme | None:
        """Returns the theme with this key, or None."""
        return next((t for t in self.themes if t.key == key), None)

    def theme_key(self, text: str) -> str | None:
        """Returns the key of the theme a person typed (any case, spaces around), or None."""
        wanted = text.strip().casefold()
        return next((t.key for t in self.themes if t.key.casefold() == wanted), None)

    def in_order(self, theme_keys: Iterable[str]) -> list[str]:
        """Returns the known keys among ``theme_keys`` once each, in template order."""
        wanted = set(theme_keys)
        return [t.key for t in self.themes if t.key in wanted]

    def questions_for(self, theme_key: str) -> list[Question]:
        """Returns the questions asked for one theme, in order."""
        theme = self.theme(theme_key)
        return [*self.questions, *(theme.questions if theme else [])]


def _require_unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"duplicate {what} {key!r}")
        seen.add(key)


class TemplateError(Exception):
    """A template that cannot be used; the message names file, field and reason."""


BUILTIN_PACKAGE = "conversations.templates"


def builtin_keys() -> list[str]:
    """Returns the keys of the templates shipped with themabot."""
    files = resources.files(BUILTIN_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_template(source: str | Path) -> Template:
    """Loads a template from a TOML file path or a built-in key ("ivp", "ivp-en")."""
    path = Path(source)
    if not path.suffix and str(source) in builtin_keys():
        resource = resources.files(BUILTIN_PACKAGE) / f"{source}.toml"
        return parse_template(resource.read_text(encoding="utf-8"), f"built-in:{source}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(builtin_keys())
        raise TemplateError(
            f"{source}: no such file, and not a built-in template ({known})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{source}: cannot read: {exc}") from None
    return parse_template(text, str(source))


def parse_template(text: str, origin: str) -> Template:
    """Parses and validates template TOML; errors name origin, field and reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(_describe(origin, data, exc)) from None


def _describe(origin: str, data: dict[str, Any], exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        lines.append(f"{origin}: {_field_path(data, error['loc'])}: {error['msg']}")
    return "\n".join(lines)


def _field_path(data: object, loc: tuple[int | str, ...]) -> str:
    """Spells a pydantic location the way the TOML file reads, e.g. themes[2].key (ondermijning)."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step + 1}]" if parts else f"[{step + 1}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("key"), str):
                parts[-1] += f" ({node['key']})"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
