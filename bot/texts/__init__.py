"""The catalogue of user-facing texts: one TOML file per language (nl.toml, en.toml)."""

from __future__ import annotations

import html
import re
import string
import tomllib
from datetime import date
from functools import cache
from importlib import resources

LANGUAGES = ("nl", "en")


class Catalogue:
    """Texts of one language. Parameters are HTML-escaped: user text can never become markup.

    Plurals: a number that meets a noun is a counted text, ``KEY_one`` and ``KEY_many`` (and
    optionally ``KEY_zero``), each formatted with ``{count}``. Get one with :meth:`count`, or
    name it in a text's field as a format spec: ``{total:count_questions}`` with ``total=3``
    reads "3 vragen", with ``total=1`` "1 vraag".
    """

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else LANGUAGES[0]
        data = _load(self.language)
        self._texts: dict[str, str] = data["texts"]
        self._buttons: dict[str, str] = data["buttons"]
        self._dates: dict = data["dates"]

    def __call__(self, key: str, /, **params: object) -> str:
        """Returns text ``key`` as Telegram HTML, with escaped parameters."""
        values = {k: v if _is_number(v) else _escape(v) for k, v in params.items()}
        return _CountingFormatter(self).format(self._texts[key], **values)

    def count(self, key: str, n: int, /) -> str:
        """Returns counted text ``key`` for ``n``: KEY_zero (if any) for 0, KEY_one or KEY_many."""
        form = "one" if n == 1 else "many"
        if n == 0 and f"{key}_zero" in self._texts:
            form = "zero"
        return self._texts[f"{key}_{form}"].format(count=n)

    def button(self, key: str, /, **params: object) -> str:
        """Returns a button label (plain text: Telegram does not parse labels)."""
        return self._buttons[key].format(**params)

    def date(self, day: date) -> str:
        """Returns a date as people write it, e.g. "vrijdag 15 januari 2027"."""
        return self._dates["format"].format(
            weekday=self._dates["weekdays"][day.weekday()],
            day=day.day,
            month=self._dates["months"][day.month - 1],
            year=day.year,
        )

    def keys(self) -> set[str]:
        return set(self._texts) | {f"buttons.{k}" for k in self._buttons}


class _CountingFormatter(string.Formatter):
    """Formats ``{n:KEY}`` as the catalogue's counted text KEY for the number n."""

    def __init__(self, texts: Catalogue) -> None:
        self.texts = texts

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec and _is_number(value):
            return self.texts.count(format_spec, value)  # type: ignore[arg-type]
        return format(value, format_spec)


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
def _load(language: str) -> dict:
    return tomllib.loads((resources.files(__name__) / f"{language}.toml").read_text("utf-8"))


@cache
def catalogue(language: str) -> Catalogue:
    """Returns the (cached) catalogue for a language; unknown languages get Dutch."""
    return Catalogue(language)
