"""The catalogue of user-facing texts: one TOML file per language (nl.toml, en.toml).

Each file has the same sections:

- ``[texts]``: chat messages, Telegram HTML; parameters are escaped (:meth:`Catalogue.__call__`);
- ``[buttons]``: button labels, plain text (:meth:`Catalogue.button`);
- ``[labels]``: plain words of the documents and of the overview's chat summary, also the
  progress categories every view counts with (:meth:`Catalogue.label`, :attr:`Catalogue.labels`);
- ``[cli]``: what the ``themabot`` command line prints, plain text (:meth:`Catalogue.cli`);
- ``[dates]``: month and weekday names (:meth:`Catalogue.date`).

Plurals work the same in every section: a counted text is ``KEY_one`` and ``KEY_many`` (and
optionally ``KEY_zero``), each formatted with ``{count}``: KEY_zero (if any) for 0, KEY_one
for 1, KEY_many otherwise. Ask for ``KEY`` with a ``count`` parameter
(``t.button("remind_send", count=3)``, ``t.label("answers", count=1)``), or name it in another
text's field as a format spec: ``{total:count_questions}`` with ``total=3`` reads "3 vragen",
with ``total=1`` "1 vraag" (looked up in the same section).
"""

from __future__ import annotations

import errno
import html
import re
import string
import tomllib
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from conversations.texts import kept

# The languages themabot speaks, default first: templates, settings and the catalogue accept
# these and nothing else. Each has a TOML file next to this module.
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]

Section = Mapping[str, str]


def known_language(value: str) -> str:
    """Returns ``value`` when it is one of LANGUAGES; raises ValueError naming them otherwise."""
    if value not in LANGUAGES:
        raise ValueError(f"unsupported language {value!r} (use {' or '.join(LANGUAGES)})")
    return value


class Catalogue:
    """The texts of one language."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        data = _load(self.language)
        self._texts: Section = MappingProxyType(data["texts"])
        self._buttons: Section = MappingProxyType(data["buttons"])
        self._labels: Section = MappingProxyType(data["labels"])
        self._cli: Section = MappingProxyType(data["cli"])
        self._dates: Mapping[str, Any] = MappingProxyType(data["dates"])

    def __call__(self, key: str, /, **params: object) -> str:
        """Returns text ``key`` as Telegram HTML, with escaped parameters."""
        values = {k: v if _is_number(v) else _escape(v) for k, v in params.items()}
        return _format(self._texts, key, values)

    def button(self, key: str, /, **params: object) -> str:
        """Returns a button label (plain text: Telegram does not parse labels)."""
        return _format(self._buttons, key, params)

    def label(self, key: str, /, **params: object) -> str:
        """Returns a document label as plain text: the renderer escapes it for its format."""
        return _format(self._labels, key, params)

    def cli(self, key: str, /, **params: object) -> str:
        """Returns a message of the command line (plain text for a terminal)."""
        return _format(self._cli, key, params)

    @property
    def labels(self) -> Section:
        """The plain labels as a read-only mapping, for templates (Jinja escapes them itself)."""
        return self._labels

    def date(self, day: date) -> str:
        """Returns a date as people write it, e.g. "vrijdag 15 januari 2027"."""
        return str(self._dates["format"]).format(
            weekday=self._dates["weekdays"][day.weekday()],
            day=day.day,
            month=self._dates["months"][day.month - 1],
            year=day.year,
        )

    def weekday(self, number: int) -> str:
        """Returns the name of a weekday, Monday being 0."""
        return str(self._dates["weekdays"][number])

    def keys(self) -> set[str]:
        """Every key: texts by name, buttons and labels as ``buttons.KEY`` and ``labels.KEY``."""
        return (
            set(self._texts)
            | {f"buttons.{k}" for k in self._buttons}
            | {f"labels.{k}" for k in self._labels}
            | {f"cli.{k}" for k in self._cli}
        )

    def text(self, key: str) -> str:
        """Returns the raw text of a key as :meth:`keys` names it, fields unfilled."""
        section, _, name = key.rpartition(".")
        sections = {"": self._texts, "buttons": self._buttons, "labels": self._labels}
        return {**sections, "cli": self._cli}[section][name]


def _counted(section: Section, key: str, n: int) -> str:
    """Returns the key of the form of counted text ``key`` that fits ``n``."""
    if n == 0 and f"{key}_zero" in section:
        return f"{key}_zero"
    return f"{key}_one" if n == 1 else f"{key}_many"


def _format(section: Section, key: str, params: Mapping[str, object]) -> str:
    """Fills in text ``key`` of a section; a counted ``key`` takes its form from ``count``."""
    if key not in section:
        n = params.get("count")
        if _is_number(n) and f"{key}_many" in section:
            key = _counted(section, key, n)
    return _CountingFormatter(section).vformat(section[key], (), params)


class _CountingFormatter(string.Formatter):
    """Formats ``{n:KEY}`` as the section's counted text KEY for the number n."""

    def __init__(self, section: Section) -> None:
        self.section = section

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec and _is_number(value):
            return self.section[_counted(self.section, format_spec, value)].format(count=value)
        return format(value, format_spec)


def _is_number(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def os_reason(error: OSError, t: Catalogue) -> str:
    """Why the operating system refused a file, in the catalogue's language (plain text).

    The system's own words (``strerror``) are English whatever the language; a reason the
    catalogue has no ``os_<errno name>`` label for is told in them all the same.
    """
    name = errno.errorcode.get(error.errno or 0, "")
    if name and f"os_{name.lower()}" in t.labels:
        return t.label(f"os_{name.lower()}")
    return error.strerror or str(error)


def plain(text: str) -> str:
    """Returns Telegram HTML as the user reads it: tags removed, entities unescaped."""
    return html.unescape(_TAG.sub("", text))


_TAG = re.compile(r"</?[a-z-]+[^>]*>")


def _escape(value: object) -> str:
    return value.html if isinstance(value, Markup) else html.escape(str(value), quote=False)


class Markup(str):
    """Text that is already safe Telegram HTML (built from escaped parts); not escaped again."""

    @property
    def html(self) -> str:
        return str(self)


@cache
def _load(language: str) -> dict[str, Any]:
    source = resources.files(__name__) / f"{language}.toml"
    if isinstance(source, Path):  # a folder on disk (not a zip): read once and kept
        return kept.read(source)
    return tomllib.loads(source.read_text("utf-8"))


@cache
def catalogue(language: str) -> Catalogue:
    """Returns the (cached) catalogue for a language; unknown languages get the default."""
    return Catalogue(language)


def keep_catalogues() -> None:
    """Reads every catalogue and keeps what it read (``make`` calls this beside compileall)."""
    kept.keep_all(Path(__file__).parent)
