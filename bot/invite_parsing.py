"""Reading what a coordinator typed after /invite: a name and theme keys. Pure."""

from __future__ import annotations

import difflib

from msgspec import Struct

from conversations.answers import clean_name
from conversations.template import Template

# Clients turn a typed " into “ ” or „ ” as people type; any of them opens or closes a name.
QUOTES = '"“”„‟«»'
# Lower-case words that may end a name ("Anna van 't"): never read as a theme typed wrong.
NAME_PARTICLES = frozenset(
    {"de", "der", "den", "van", "het", "'t", "te", "ter", "ten", "op", "in"}
    | {"la", "le", "du", "da", "di", "von", "zu", "al", "el", "bin"}
)


class InviteRequest(Struct, frozen=True):
    """What `/invite` asked for: a name and theme keys, or the words that are no theme."""

    name: str
    themes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # typed where a theme key belongs, but no theme's key
    did_you_mean: tuple[str, str] | None = None  # (typed, key): a near miss, maybe a typo


def parse_invite(text: str, template: Template) -> InviteRequest:
    """Reads `/invite`'s arguments: `"NAME" [THEME ...]`, or `NAME [THEME ...]` unquoted.

    Theme keys match in any case. Unquoted, the theme keys are the known keys at the end; a
    known key earlier on means the words after it were meant as themes too, and a last name
    word very like a key is probably a typo: both are reported rather than made part of the
    name (a name that really reads so can be quoted). So is a last word in lower case after a
    capitalised name ("Piet jeugdzorg"): names end in a capital, theme keys do not.
    """
    text = text.strip()
    if text[:1] in QUOTES:
        end = next((i for i in range(1, len(text)) if text[i] in QUOTES), None)
        if end is None:
            return InviteRequest("")  # an unclosed quote: show how it goes
        words = text[end + 1 :].split()
        keys = [template.theme_key(word) for word in words]
        return InviteRequest(
            clean_name(text[1:end]),
            tuple(k for k in keys if k),
            tuple(w for w, k in zip(words, keys, strict=True) if k is None),
        )
    words = text.split()
    themes: list[str] = []
    while words and (key := template.theme_key(words[-1])):
        themes.insert(0, key)
        words.pop()
    first_key = next((i for i, w in enumerate(words) if i and template.theme_key(w)), None)
    if first_key is not None:
        unknown = tuple(w for w in words[first_key:] if not template.theme_key(w))
        return InviteRequest(clean_name(" ".join(words[:first_key])), tuple(themes), unknown)
    near = None
    if words:
        by_folded = {theme.key.casefold(): theme.key for theme in template.themes}
        close = difflib.get_close_matches(words[-1].casefold(), list(by_folded), n=1, cutoff=0.8)
        near = (words[-1], by_folded[close[0]]) if close else None
    if near is None and _looks_like_a_theme(words):
        return InviteRequest(clean_name(" ".join(words[:-1])), tuple(themes), (words[-1],))
    return InviteRequest(clean_name(" ".join(words)), tuple(themes), did_you_mean=near)


def _looks_like_a_theme(words: list[str]) -> bool:
    """A lower-case last word after a capitalised name, and no name particle."""
    *name, last = words or [""]
    return (
        bool(name)
        and last.islower()
        and last.casefold() not in NAME_PARTICLES
        and any(word[:1].isupper() for word in name)
    )
