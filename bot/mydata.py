"""``/mydata``: everything the bot keeps about the sender, as one file.

A zip with a readable HTML page and the same as JSON (reports/personal.py), made from the
store's ``personal_data``, which holds nothing of anyone else. It is compiled off the event
loop and sent straight away with retries, like ``/overview``; a lost one is simply asked for
again. Someone about whom nothing is kept hears so, and nothing of their request is kept.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.handling import forget, reply
from bot.lengths import split_text
from bot.roles import chat_id, is_coordinator, texts_for, user_id
from bot.sending import Sent, deliver_document
from conversations.texts import catalogue
from reports.personal import personal_files


async def on_mydata(update: Update, context: BotContext) -> None:
    """Sends everything stored about the sender as a zip (HTML to read, JSON for a computer)."""
    s = context.services
    async with s.db.read() as tx:
        data = await tx.personal_data(user_id(update))
        coordinator = await is_coordinator(tx, s, user_id(update))
    nothing = not data.participations and data.coordinator is None
    if nothing and not data.coordinator_actions:
        if not coordinator:
            forget(update)
        reply(update, texts_for(s)("mydata_nothing"))
        return
    newest = data.participations[-1].participant.language if data.participations else None
    language = newest or s.settings.language
    t = catalogue(language)
    now = s.now().astimezone(s.settings.zone)
    files = await asyncio.to_thread(personal_files, data, now, language)
    caption = t(
        "mydata_caption", date=t.date(now.date()), html=files.html_name, json=files.json_name
    )
    outcome = await deliver_document(
        update.get_bot(),
        chat_id(update),
        files.content,
        files.filename,
        split_text(caption, 1024)[0],
    )
    if outcome not in (Sent.SENT, Sent.UNCERTAIN):
        reply(update, t("mydata_not_sent"))
