"""What each Bot API method does to the server state, with Telegram's checks and answers.

Each method is a function ``(api, params, files) -> result``: ``params`` are decoded, ``files``
the multipart uploads by part name, the result is what goes into ``{"ok": true, "result": ...}``.
A refusal raises :class:`~devtools.standin.rules.ApiError`. ``getUpdates`` waits, so it lives
with the update queue in :class:`~devtools.standin.api.FakeBotAPI`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from devtools.standin.records import BotMessage, CallbackAnswer, Upload
from devtools.standin.rules import (
    MAX_CAPTION,
    bad_request,
    check_commands,
    check_reply_markup,
    checked_text,
    require_text,
    utf16_length,
    visible,
)

if TYPE_CHECKING:
    from devtools.standin.api import FakeBotAPI

__all__ = ["METHODS", "Method"]

Params = dict[str, Any]
Files = dict[str, Upload]
Method = Callable[["FakeBotAPI", Params, Files], Any]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def _bot_message(api: FakeBotAPI, params: Mapping[str, Any], action: str) -> BotMessage:
    if "inline_message_id" in params:
        raise bad_request("inline messages are not supported by the stand-in")
    state = api.chat_of(params)
    for message in state.messages:
        if message.message_id == params.get("message_id") and not message.deleted:
            return message
    raise bad_request(f"message to {action} not found")


def _mark_edited(message: BotMessage) -> None:
    message.edited = True
    message.edit_date = int(time.time())


def send_message(api: FakeBotAPI, params: Params, _files: Files) -> dict[str, Any]:
    state = api.chat_of(params)
    text, parse_mode = require_text(params)
    message = api.new_message(
        state,
        text=text,
        plain_text=checked_text(text, parse_mode),
        parse_mode=parse_mode,
        reply_markup=check_reply_markup(params.get("reply_markup")),
    )
    return api.message_json(message)


def edit_message_text(api: FakeBotAPI, params: Params, _files: Files) -> dict[str, Any]:
    message = _bot_message(api, params, "edit")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, parse_mode = require_text(params)
    plain = checked_text(text, parse_mode)
    # Telegram drops the inline keyboard when an edit does not repeat it.
    markup = check_reply_markup(params.get("reply_markup"))
    if plain == message.plain_text and markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    message.earlier_texts.append(message.shown)
    message.text, message.plain_text, message.parse_mode = text, plain, parse_mode
    message.reply_markup = markup
    _mark_edited(message)
    return api.message_json(message)


def edit_message_reply_markup(api: FakeBotAPI, params: Params, _files: Files) -> dict[str, Any]:
    message = _bot_message(api, params, "edit")
    markup = check_reply_markup(params.get("reply_markup"))
    if markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    message.reply_markup = markup
    _mark_edited(message)
    return api.message_json(message)


def delete_message(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    state = api.chat_of(params)
    for message in state.messages:
        if message.message_id == params.get("message_id") and not message.deleted:
            message.deleted = True
            return True
    for incoming in state.incoming:
        if incoming["message_id"] == params.get("message_id"):
            state.incoming.remove(incoming)
            return True
    raise bad_request("message to delete not found")


def answer_callback_query(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    query_id = str(params.get("callback_query_id"))
    if not api.close_callback_query(query_id):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    api.callback_answers[query_id] = CallbackAnswer(
        query_id=query_id,
        text=params.get("text"),
        show_alert=bool(params.get("show_alert", False)),
        url=params.get("url"),
    )
    return True


def send_document(api: FakeBotAPI, params: Params, files: Files) -> dict[str, Any]:
    state = api.chat_of(params)
    filename, content = _document_from(api, params, files)
    caption, parse_mode = params.get("caption"), params.get("parse_mode")
    plain_caption = None
    if caption is not None:
        plain_caption = visible(caption, parse_mode)
        if utf16_length(plain_caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    file_id = api.register_file(content, f"documents/{filename}")
    message = api.new_message(
        state,
        document=(filename, content),
        document_file_id=file_id,
        caption=caption,
        plain_caption=plain_caption,
        parse_mode=parse_mode,
        reply_markup=check_reply_markup(params.get("reply_markup")),
    )
    return api.message_json(message)


def _document_from(
    api: FakeBotAPI, params: Mapping[str, Any], files: Mapping[str, Upload]
) -> tuple[str, bytes]:
    """The ``(filename, content)`` of a document: an upload or a known ``file_id``."""
    reference = params.get("document")
    if isinstance(reference, str) and reference.startswith("attach://"):
        upload = files.get(reference.removeprefix("attach://"))
    elif isinstance(reference, str):
        if reference not in api.files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        path, content = api.files[reference]
        return path.rsplit("/", 1)[-1], content
    else:
        upload = files.get("document")
    if upload is None:
        raise bad_request("there is no document in the request")
    return upload.filename, upload.content


def send_chat_action(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    api.chat_of(params)
    return True


def get_file(api: FakeBotAPI, params: Params, _files: Files) -> dict[str, Any]:
    file_id = params.get("file_id")
    if file_id not in api.files:
        raise bad_request("invalid file_id")
    path, content = api.files[file_id]
    return {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_size": len(content),
        "file_path": path,
    }


def _command_key(params: Mapping[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


def set_my_commands(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    api.commands[_command_key(params)] = check_commands(params.get("commands"))
    return True


def delete_my_commands(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    api.commands.pop(_command_key(params), None)
    return True


def get_my_commands(api: FakeBotAPI, params: Params, _files: Files) -> list[dict[str, Any]]:
    return api.commands.get(_command_key(params), [])


def delete_webhook(api: FakeBotAPI, params: Params, _files: Files) -> bool:
    if params.get("drop_pending_updates"):
        api.drop_pending_updates()
    return True


def get_webhook_info(api: FakeBotAPI, _params: Params, _files: Files) -> dict[str, Any]:
    return {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(api.pending_updates()),
    }


def get_chat(api: FakeBotAPI, params: Params, _files: Files) -> dict[str, Any]:
    chat = dict(api.chat_of(params).chat)
    # ChatFullInfo fields Telegram always sends.
    chat.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
        },
    )
    return chat


def _accepted(_api: FakeBotAPI, _params: Params, _files: Files) -> bool:
    """Methods the bot may call whose effect no test looks at."""
    return True


#: Bot API method (lower case) -> what it does; getUpdates is handled by the API itself.
METHODS: dict[str, Method] = {
    "getme": lambda api, _p, _f: api.bot_user,
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "senddocument": send_document,
    "sendchataction": send_chat_action,
    "getfile": get_file,
    "setmycommands": set_my_commands,
    "deletemycommands": delete_my_commands,
    "getmycommands": get_my_commands,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmydescription": _accepted,
    "setmyshortdescription": _accepted,
    "setchatmenubutton": _accepted,
    "close": _accepted,
    "logout": _accepted,
    "getchat": get_chat,
}
