"""The stand-in's line: a latency on every call and Telegram's sending cap, and the waits a
driver in another process uses. No timing is asserted: the clock and the sleep are injected."""

from __future__ import annotations

import asyncio
import datetime as dtm
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram.error import RetryAfter

from devtools.standin import FakeBotAPI, serve_http
from devtools.standin.network import Line
from devtools.transports import FakeTelegram

ALICE = {"id": 1001, "type": "private", "first_name": "Alice"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_every_call_waits_half_the_latency_each_way() -> None:
    api = FakeBotAPI()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    api.line = Line(latency=0.05, sleep=sleep)
    api.register_chat(ALICE)
    await api.call("sendMessage", {"chat_id": "1001", "text": "hi"})
    await api.call("getMe")
    await api.call("getUpdates", {"timeout": "0"})
    await api.call("sendCarrierPigeon")  # errors travel too

    assert slept == [0.025] * 8
    assert [m.shown for m in api.messages(1001)] == ["hi"]


async def test_no_latency_means_no_sleep() -> None:
    api = FakeBotAPI()

    async def sleep(seconds: float) -> None:
        raise AssertionError("a line without latency must not sleep")

    api.line = Line(sleep=sleep)
    api.register_chat(ALICE)
    status, _ = await api.call("sendMessage", {"chat_id": "1001", "text": "hi"})
    assert status == 200


async def test_cap_refuses_sends_above_it_in_a_sliding_second() -> None:
    api = FakeBotAPI()
    clock = Clock()
    api.line = Line(cap=2, clock=clock)
    api.register_chat(ALICE)
    api.register_chat({"id": 1002, "type": "private", "first_name": "Bob"})

    async def send(chat: int, text: str) -> tuple[int, dict]:
        return await api.call("sendMessage", {"chat_id": str(chat), "text": text})

    assert (await send(1001, "one"))[0] == 200
    clock.now += 0.4
    assert (await send(1002, "two"))[0] == 200  # across chats: one budget
    clock.now += 0.1
    status, body = await send(1001, "three")
    assert status == 429
    assert body["parameters"] == {"retry_after": 1}
    assert body["description"] == "Too Many Requests: retry after 1"
    # Reads and answers to button presses are not messages: the cap leaves them alone.
    assert (await api.call("getMe"))[0] == 200

    clock.now += 0.5  # "one" left the window (1.0 s after it), "two" is still in it
    assert (await send(1001, "three again"))[0] == 200
    assert (await send(1002, "four"))[0] == 429

    assert [m.shown for m in api.messages(1001)] == ["one", "three again"]
    assert api.line.describe() == {"latency": 0.0, "cap": 2, "refused": 2}
    # Refused calls are recorded like every other call.
    assert len(api.calls_to("sendMessage")) == 5


def test_retry_after_counts_whole_seconds_until_the_window_has_room() -> None:
    clock = Clock()
    line = Line(cap=3, clock=clock)
    for _ in range(3):
        line.admit("sendmessage")
    with pytest.raises(Exception, match="retry after 1") as caught:
        line.admit("editmessagetext")
    assert getattr(caught.value, "code", None) == 429
    with pytest.raises(ValueError):
        Line(cap=0)
    with pytest.raises(ValueError):
        Line(latency=-1)


@pytest.mark.usefixtures("ptb_timedelta")
async def test_ptb_sees_the_cap_as_flood_control() -> None:
    tg = FakeTelegram(FakeBotAPI(cap=1))
    async with tg.running(tg.builder().build()) as app:
        alice = tg.user(1001, "Alice")
        await app.bot.send_message(alice.chat_id, "first")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(alice.chat_id, "second")
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert [m.shown for m in alice.replies] == ["first"]


async def test_next_message_waits_for_what_the_bot_sends_in_that_chat() -> None:
    api = FakeBotAPI()
    user = {"id": 1001, "is_bot": False, "first_name": "Alice"}
    asked = api.user_message(user, text="/start")
    chat = api.chats[1001]
    api.new_message(chat, text="before", plain_text="before")  # id below the next message's

    waiting = asyncio.create_task(
        api.next_message(1001, asked["message_id"] + 1, contains="vraag 2", wait=5)
    )
    await asyncio.sleep(0)
    api.new_message(chat, text="vraag 1", plain_text="vraag 1")
    await asyncio.sleep(0)
    assert not waiting.done()  # woken, but not what it waits for
    api.new_message(chat, text="<b>vraag 2</b>", plain_text="vraag 2")
    found = await asyncio.wait_for(waiting, 2)

    assert found is not None and found.shown == "vraag 2"
    assert await api.next_message(1001, found.message_id) is None  # nothing newer, no wait
    assert [chat_id for _, chat_id, _ in api.sent_log] == [1001, 1001, 1001]


@pytest.fixture
async def http_api() -> AsyncIterator[tuple[FakeBotAPI, str]]:
    api = FakeBotAPI(cap=30)
    runner, base_url = await serve_http(api)
    try:
        yield api, base_url.removesuffix("/bot") + "/_standin"
    finally:
        await runner.cleanup()


async def test_http_next_sent_and_line(http_api: tuple[FakeBotAPI, str]) -> None:
    api, control = http_api
    async with aiohttp.ClientSession() as http:
        pushed = {"user_id": 1001, "first_name": "Alice", "text": "hallo"}
        async with http.post(f"{control}/messages", json=pushed) as response:
            message_id = (await response.json())["message_id"]
        query = {"after": str(message_id), "timeout": "5"}
        waiting = asyncio.create_task(http.get(f"{control}/chats/1001/next", params=query))
        await asyncio.sleep(0.05)
        await api.call(
            "sendMessage", {"chat_id": "1001", "text": "Welkom <b>Alice</b>", "parse_mode": "HTML"}
        )
        async with await asyncio.wait_for(waiting, 5) as response:
            found = (await response.json())["message"]
        async with http.get(f"{control}/chats/1001/next", params={"after": "99"}) as response:
            nothing = (await response.json())["message"]
        async with http.get(f"{control}/sent") as response:
            sent = await response.json()
        async with http.get(f"{control}/line") as response:
            line = await response.json()
        bob = {"id": 1002, "type": "private", "first_name": "Bob"}
        async with http.post(f"{control}/chats", json={"chats": [bob]}) as response:
            assert (await response.json()) == {"registered": 1}

    assert api.chats[1002].chat == bob
    assert found["plain_text"] == "Welkom Alice" and found["message_id"] > message_id
    assert nothing is None
    assert [entry[1:] for entry in sent] == [[1001, found["message_id"]]]
    assert line == {"latency": 0.0, "cap": 30, "refused": 0}


async def test_command_line_takes_latency_and_cap() -> None:
    command = ["-m", "devtools.standin", "--port", "0", "--latency", "0.01", "--cap", "30"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *command, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        base_url = first.split()[4]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
        control = base_url.removesuffix("/bot") + "/_standin"
        async with aiohttp.ClientSession() as http, http.get(f"{control}/line") as response:
            assert await response.json() == {"latency": 0.01, "cap": 30, "refused": 0}
    finally:
        proc.terminate()
        await proc.wait()
