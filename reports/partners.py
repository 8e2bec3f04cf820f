"""The partner registry: many spellings of one organisation become one partner. Pure.

Colleagues write the same partner many ways ("Politie", "de politie", " politie", "wijkagent").
A name is first normalised to a key; the template's aliases and the round's manual merges then
map keys onto one canonical partner, shown under one display name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

# Articles that say nothing about which organisation is meant ("de politie" is "politie").
_ARTICLES = frozenset({"de", "het", "the", "een"})
_SPACE = re.compile(r"\s+")
_BRACKETS = {")": "(", "]": "[", "}": "{"}
# A merge or alias may point at another alias; a few hops is plenty and guards against cycles.
_MAX_HOPS = 5


def _is_edge_punctuation(char: str) -> bool:
    # Spacing counts too: "- GGD" loses its bullet and the space after it.
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def _strip_edge_punctuation(text: str) -> str:
    """Strips punctuation and symbols at both ends, keeping a closing bracket that is opened."""
    start, end = 0, len(text)
    while start < end and _is_edge_punctuation(text[start]):
        start += 1
    while end > start and _is_edge_punctuation(text[end - 1]):
        opener = _BRACKETS.get(text[end - 1])
        # "Openbaar Ministerie (OM)" keeps its ")" so the abbreviation stays readable.
        if opener is not None and opener in text[start : end - 1]:
            break
        end -= 1
    return text[start:end]


def _tidy(name: str) -> str:
    """Collapses spacing, strips edge punctuation and a leading article; keeps the case."""
    text = _strip_edge_punctuation(_SPACE.sub(" ", name).strip())
    first, _, rest = text.partition(" ")
    if rest and first.casefold() in _ARTICLES:
        text = _strip_edge_punctuation(rest.strip())
    return text


def normalise_partner(name: str) -> str:
    """Returns the key two spellings of the same partner share.

    Casefolded, spacing collapsed, punctuation stripped at both ends and a leading article
    ("de", "het", "the", "een") dropped: "  De Politie. " and "politie" give "politie".
    An empty result means the name held nothing but spacing and punctuation.
    """
    return _tidy(unicodedata.normalize("NFKC", name)).casefold()


def _display(spelling: str) -> str:
    """Title-ish display form of an original spelling: tidied, first letter upper case."""
    text = _tidy(unicodedata.normalize("NFKC", spelling))
    # Only the first letter: "GGD", "RIEC" and "Openbaar Ministerie" must survive as written.
    return text[:1].upper() + text[1:]


class PartnerRegistry:
    """Resolves partner names to one canonical partner each.

    Precedence for the display name: a template alias or a round's manual merge target; else
    the spelling colleagues used most often (see ``observe``); else a tidied form of the name.
    """

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]] | None = None,
        merges: Mapping[str, str] | None = None,
    ) -> None:
        """Builds a registry from template aliases (canonical -> aliases) and manual merges.

        Merges (normalised name -> canonical) are the coordinator's later decisions and win
        over template aliases for the same key.
        """
        self._targets: dict[str, str] = {}
        for canonical, names in (aliases or {}).items():
            for name in (canonical, *names):
                key = normalise_partner(name)
                if key:
                    self._targets[key] = canonical.strip()
        for name, canonical in (merges or {}).items():
            key = normalise_partner(name)
            if key and canonical.strip():
                self._targets[key] = canonical.strip()
                # A merge target that is a new name must resolve to itself, as spelled.
                self._targets.setdefault(normalise_partner(canonical), canonical.strip())
        self._spellings: dict[str, Counter[str]] = {}
        self._first_seen: dict[str, dict[str, int]] = {}

    def key(self, name: str) -> str:
        """Returns the key of the partner this name resolves to ("" for an empty name)."""
        key = normalise_partner(name)
        for _ in range(_MAX_HOPS):
            target = self._targets.get(key)
            if target is None:
                break
            target_key = normalise_partner(target)
            if target_key == key:
                break
            key = target_key
        return key

    def observe(self, name: str) -> str:
        """Records one use of a spelling (for the most-common display name); returns its key."""
        key = self.key(name)
        spelling = _display(name)
        if key and spelling:
            self._spellings.setdefault(key, Counter())[spelling] += 1
            order = self._first_seen.setdefault(key, {})
            order.setdefault(spelling, len(order))
        return key

    def observe_all(self, names: Iterable[str]) -> None:
        """Records one use of each spelling."""
        for name in names:
            self.observe(name)

    def canonical(self, name: str) -> str:
        """Returns the display name of the partner this name means ("" for an empty name)."""
        key = self.key(name)
        if not key:
            return ""
        target = self._target_of(key)
        if target is not None:
            return target
        counts = self._spellings.get(key)
        if counts:
            order = self._first_seen[key]
            # Most used first; on a tie the spelling seen first, so the result is stable.
            return min(counts, key=lambda s: (-counts[s], order[s]))
        return _display(name)

    def _target_of(self, key: str) -> str | None:
        # After following hops, ``key`` is either a canonical's own key or an unmapped key.
        target = self._targets.get(key)
        return target.strip() if target else None
