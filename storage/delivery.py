"""The delivery part of the store contract (storage.contract includes it in Reader and Writer).

The pipeline's durable ends (bot/pipeline.py, bot/outbox.py):

* the inbox holds every update received and confirmed to Telegram until a handler claims it,
  so a kill -9 between receiving and handling loses nothing, and a claim taken once makes a
  redelivered update recognisable (never answered twice);
* the outbox holds every message a handler committed to send until it went out, in two
  lanes (replies before bulk), so a reply a crash or an outage kept back is sent later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from storage.records import Arrival, InboxEntry, Lane, Letter, OutboxMessage


class DeliveryReads(Protocol):
    """The inbox (updates received, not yet handled) and the outbox (messages to send), read."""

    async def pending_updates(self) -> list[InboxEntry]:
        """Returns the received updates not handled yet, in arrival order."""
        ...

    async def pending_messages(
        self, lane: Lane, *, due: datetime | None = None, limit: int = 1000
    ) -> list[OutboxMessage]:
        """Returns queued messages of a lane in sending order; with ``due``, only those whose
        ``not_before`` has passed by then."""
        ...

    async def chat_outbox(self, chat_id: int) -> list[OutboxMessage]:
        """Returns every message queued for one chat, both lanes, due or not, oldest first."""
        ...


class DeliveryWrites(DeliveryReads, Protocol):
    """The inbox and the outbox, changed."""

    async def receive_updates(self, arrivals: Sequence[Arrival], now: datetime) -> list[InboxEntry]:
        """Writes received updates into the inbox; returns those that are new, in order.

        A redelivery (same update id *and* fingerprint as one received in the last two days)
        is not new. Also forgets handled updates older than that.
        """
        ...

    async def claim_update(self, update_id: int, fingerprint: str, now: datetime) -> bool:
        """Records an update as handled; False if this very update was handled before.

        A redelivery (Telegram resends updates whose offset was not confirmed before a crash)
        has the same id *and* the same fingerprint (chat, message, query); a new update that
        happens to reuse an old id does not, and is handled. Claiming drops the update's
        content from the inbox.
        """
        ...

    async def forget_update(self, update_id: int, fingerprint: str) -> None:
        """Removes an update from the inbox altogether (a stranger's: nothing of theirs stays)."""
        ...

    async def queue_messages(
        self,
        chat_id: int,
        letters: Sequence[Letter],
        lane: Lane,
        now: datetime,
        *,
        not_before: datetime | None = None,
    ) -> list[OutboxMessage]:
        """Queues messages for a chat, in this order; returns them as queued."""
        ...

    async def messages_sent(self, message_ids: Iterable[int]) -> None:
        """Removes delivered messages from the outbox."""
        ...

    async def message_failed(self, message_id: int, retry_at: datetime | None) -> None:
        """Counts a failed send; the message waits until ``retry_at``, or is dropped (None)."""
        ...
