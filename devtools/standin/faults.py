"""Random failures, seeded: a Bot API that answers some sends with 500 or 429, as Telegram
does now and then, so a fault test can show that every reply still arrives."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from devtools.standin.rules import SENDING_METHODS, ApiError

__all__ = ["RandomFaults"]


@dataclass
class RandomFaults:
    """Fails a share of the calls to ``methods``: ``server_errors`` with 500, ``floods`` with
    429 and ``retry_after``. The same ``seed`` fails the same calls in the same order."""

    server_errors: float = 0.10
    floods: float = 0.05
    seed: int = 0
    retry_after: int = 1
    methods: frozenset[str] = SENDING_METHODS
    counts: Counter[int] = field(default_factory=Counter)
    """How many calls failed, by status (500, 429)."""

    def __post_init__(self) -> None:
        shares = (self.server_errors, self.floods)
        if min(shares) < 0 or sum(shares) > 1:
            raise ValueError("failure shares must be between 0 and 1 together")
        self.methods = frozenset(m.lower() for m in self.methods)
        self._random = random.Random(self.seed)

    @classmethod
    def of(
        cls,
        server_errors: float,
        floods: float,
        *,
        seed: int = 0,
        retry_after: int = 1,
        methods: Iterable[str] = SENDING_METHODS,
    ) -> RandomFaults:
        return cls(server_errors, floods, seed, retry_after, frozenset(methods))

    def draw(self, method: str) -> ApiError | None:
        """Returns the error this call gets, or None when it goes through."""
        if method.lower() not in self.methods:
            return None
        roll = self._random.random()
        if roll < self.server_errors:
            self.counts[500] += 1
            return ApiError(500, "Internal Server Error")
        if roll < self.server_errors + self.floods:
            self.counts[429] += 1
            return ApiError(
                429,
                f"Too Many Requests: retry after {self.retry_after}",
                {"retry_after": self.retry_after},
            )
        return None
