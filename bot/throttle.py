"""Politeness limits: one user who floods the bot is slowed down, one who guesses invite
tokens is told to wait; nobody else notices either.

* **Flooding.** More than :data:`FLOOD_LIMIT` updates from one user within
  :data:`FLOOD_WINDOW` seconds: that user's further updates wait (in their own chat's queue,
  outside the pipeline's concurrency slots, so other chats go on at full speed) until the
  window has room again, and they hear once that it will take a moment. Beyond
  :data:`FLOOD_BACKLOG` waiting updates the rest is dropped (logged with the user id and how
  many, never the content), so that one user can never fill the bot's memory or hold up
  polling for everyone. A colleague answering quickly, even pasting a long text that Telegram
  splits into several messages, stays far below the limit.
* **Guessing tokens.** After :data:`TOKEN_TRIES` bad ``/start TOKEN`` attempts within
  :data:`TOKEN_WINDOW`, further ``/start TOKEN`` attempts from that user are not even looked
  up for :data:`TOKEN_LOCK` and get "too many tries, wait a few minutes". A good token resets it.

Both are kept in memory only: nothing of someone without an invite is stored, and a restart
forgetting the counts is harmless (144-bit tokens cannot be guessed anyway; this keeps the
database and the logs quiet and guessing slower still).
"""

from __future__ import annotations

import collections
import logging
from datetime import datetime, timedelta

from telegram import Bot, Update

from bot.sending import Sleep, deliver
from conversations.texts import catalogue

log = logging.getLogger(__name__)

FLOOD_WINDOW = 10.0  # seconds
FLOOD_LIMIT = 30  # updates per user per window; more are slowed down
FLOOD_BACKLOG = 100  # updates of a slowed user that may wait; more are dropped
TOKEN_WINDOW = timedelta(minutes=10)
TOKEN_TRIES = 5  # bad tokens per window; then /start TOKEN is not checked for a while
TOKEN_LOCK = timedelta(minutes=10)
_FORGET_AFTER = 10_000  # users kept in memory before idle ones are forgotten


class Throttle:
    """The bot's limits per user (one per Application, in its services)."""

    def __init__(self, language: str = "nl") -> None:
        self.language = language
        self._seen: dict[int, collections.deque[float]] = {}
        self._told: set[int] = set()  # users told they are slowed, in this episode
        self._dropped: collections.Counter[int] = collections.Counter()
        self._bad_tokens: dict[int, list[datetime]] = {}
        self._locked_until: dict[int, datetime] = {}

    # --- flooding ------------------------------------------------------------------------

    async def admit(
        self, update: Update, waiting: int, now: datetime, sleep: Sleep, bot: Bot
    ) -> bool:
        """Lets an update through, after a wait if its user floods; False: drop it.

        ``waiting`` is how many updates of its chat are queued (itself included).
        """
        user = update.effective_user
        if user is None:
            return True
        moment = now.timestamp()
        seen = self._window(user.id, moment)
        if len(seen) < FLOOD_LIMIT:
            if not seen:
                self._end_episode(user.id)
            seen.append(moment)
            return True
        if user.id not in self._told:
            self._told.add(user.id)
            log.info("user %s floods: over %d updates in %g s", user.id, FLOOD_LIMIT, FLOOD_WINDOW)
            chat = update.effective_chat
            if chat is not None and chat.type == chat.PRIVATE:
                await deliver(bot, chat.id, catalogue(self.language)("too_many_messages"))
        if waiting > FLOOD_BACKLOG:
            if not self._dropped[user.id]:
                log.info("dropping updates of user %s: %d of theirs wait already", user.id, waiting)
            self._dropped[user.id] += 1
            return False
        release = seen[0] + FLOOD_WINDOW  # when the oldest leaves the window
        await sleep(release - moment)
        seen.popleft()
        seen.append(release)
        return True

    def _window(self, user_id: int, moment: float) -> collections.deque[float]:
        if len(self._seen) > _FORGET_AFTER:
            idle = [u for u, times in self._seen.items() if times[-1] < moment - FLOOD_WINDOW]
            for u in idle:
                del self._seen[u]
        seen = self._seen.setdefault(user_id, collections.deque())
        while seen and seen[0] <= moment - FLOOD_WINDOW:
            seen.popleft()
        return seen

    def _end_episode(self, user_id: int) -> None:
        self._told.discard(user_id)
        dropped = self._dropped.pop(user_id, 0)
        if dropped:
            log.info("dropped %d updates of user %s while it flooded", dropped, user_id)

    # --- guessing tokens -----------------------------------------------------------------

    def may_try_token(self, user_id: int, now: datetime) -> bool:
        """Whether a ``/start TOKEN`` of this user is looked up at all now."""
        until = self._locked_until.get(user_id)
        if until is None:
            return True
        if now >= until:
            del self._locked_until[user_id]
            return True
        return False

    def bad_token(self, user_id: int, now: datetime) -> None:
        """Counts a token that opened nothing; the last allowed one locks further tries."""
        tries = [t for t in self._bad_tokens.get(user_id, []) if t > now - TOKEN_WINDOW]
        tries.append(now)
        if len(tries) >= TOKEN_TRIES:
            self._locked_until[user_id] = now + TOKEN_LOCK
            self._bad_tokens.pop(user_id, None)
            log.info("user %s tried %d bad invite tokens; locked for a while", user_id, len(tries))
        else:
            self._bad_tokens[user_id] = tries

    def good_token(self, user_id: int) -> None:
        """A token opened an invite: the bad ones before it are forgotten."""
        self._bad_tokens.pop(user_id, None)
