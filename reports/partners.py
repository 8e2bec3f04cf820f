"""The partner registry: many spellings of one organisation become one partner. Pure.

Colleagues write the same partner many ways ("Politie", "de politie", " politie", "wijkagent").
A name is first normalised to a key; the template's aliases and the round's manual merges then
join keys into groups, one group per partner, shown under one display name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

# Articles that say nothing about which organisation is meant ("de politie" is "politie").
_ARTICLES = frozenset({"de", "het", "the", "een"})
_SPACE = re.compile(r"\s+")
_BRACKETS = {")": "(", "]": "[", "}": "{", ">": "<"}


def _is_edge_punctuation(char: str) -> bool:
    # Spacing counts too: "- GGD" loses its bullet and the space after it.
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def _strip_edge_punctuation(text: str) -> str:
    """Strips punctuation and symbols at both ends, keeping a closing bracket that is opened."""
    start, end = 0, len(text)
    while start < end and _is_edge_punctuation(text[start]):
        # "<b>Brandweer</b>", pasted from a mail, stays as typed rather than "b>Brandweer</b":
        # what looks like markup is not ours to guess at. A "<" that only wraps the name
        # goes, as a "(" does: "<GGD>" is GGD, "(OM)" is OM.
        if text[start] == "<" and ">" in text[start + 1 : end - 1]:
            break
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

    Names form groups: a template canonical and its aliases are one group, and every manual
    merge joins the group of its alias with the group of its target. Merges only ever join, so
    the order or direction of merges never splits a partner.

    Precedence for the display name of a group: the target of the newest merge touching it;
    else the template canonical; else the spelling colleagues used most often (see
    ``observe``); else a tidied form of the name.
    """

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]] | None = None,
        merges: Mapping[str, str] | None = None,
    ) -> None:
        """Builds a registry from template aliases (canonical -> aliases) and manual merges.

        Merges (normalised name -> canonical) are the coordinator's later decisions, oldest
        first (a dict keeps insertion order): the newest merge touching a group names it.
        """
        self._parent: dict[str, str] = {}
        self._order: dict[str, int] = {}  # key -> first registration, for a stable root
        canonicals: list[tuple[str, str]] = []
        for canonical, names in (aliases or {}).items():
            root = normalise_partner(canonical)
            if not root:
                continue
            canonicals.append((root, canonical.strip()))
            for name in names:
                self._union(root, normalise_partner(name))
        named: list[tuple[str, str]] = []
        for name, canonical in (merges or {}).items():
            alias, target = normalise_partner(name), normalise_partner(canonical)
            if alias and target:
                self._union(alias, target)
                named.append((target, canonical.strip()))
        # Later entries overwrite earlier ones: template canonicals first (the first canonical
        # of a group wins among them), then merges oldest to newest (the newest wins).
        self._names: dict[str, str] = {}
        for key, display in reversed(canonicals):
            self._names[self._find(key)] = display
        for key, display in named:
            self._names[self._find(key)] = display
        self._spellings: dict[str, Counter[str]] = {}
        self._first_seen: dict[str, dict[str, int]] = {}
        # Colleagues type the same few spellings thousands of times: tidy each one once.
        self._seen: dict[str, tuple[str, str]] = {}

    def _find(self, key: str) -> str:
        """Returns the representative key of the group ``key`` belongs to."""
        root = key
        while (parent := self._parent.get(root, root)) != root:
            root = parent
        while key != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def _union(self, one: str, other: str) -> None:
        if not one or not other:
            return
        for key in (one, other):
            self._order.setdefault(key, len(self._order))
        a, b = self._find(one), self._find(other)
        if a != b:
            # The key registered first stays the root, so keys do not depend on merge order.
            first, second = sorted((a, b), key=self._order.__getitem__)
            self._parent[second] = first

    def key(self, name: str) -> str:
        """Returns the key of the partner this name resolves to ("" for an empty name)."""
        key = normalise_partner(name)
        return self._find(key) if key else ""

    def observe(self, name: str) -> str:
        """Records one use of a spelling (for the most-common display name); returns its key."""
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = (self.key(name), _display(name))
        key, spelling = found
        if key and spelling:
            counts = self._spellings.get(key)
            if counts is None:
                counts = self._spellings[key] = Counter()
                self._first_seen[key] = {}
            counts[spelling] += 1
            order = self._first_seen[key]
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
        display = self._names.get(key)
        if display:
            return display
        counts = self._spellings.get(key)
        if counts:
            order = self._first_seen[key]
            # Most used first; on a tie the spelling seen first, so the result is stable.
            return min(counts, key=lambda s: (-counts[s], order[s]))
        return _display(name)
