"""Random failure injection in the stand-in: seeded, by share, only for the methods named."""

from __future__ import annotations

import pytest
from echo_bot import echo_app
from telegram.error import NetworkError, RetryAfter

from devtools.standin import FakeBotAPI
from devtools.standin.__main__ import api_from, build_parser
from devtools.transports import FakeTelegram


async def test_a_share_of_sends_fails_with_500_and_429_the_same_way_for_a_seed() -> None:
    def run(seed: int) -> list[str]:
        api = FakeBotAPI()
        faults = api.fail_randomly(0.10, 0.05, seed=seed)
        seen = []
        for _ in range(2000):
            error = faults.draw("sendMessage")
            seen.append("ok" if error is None else str(error.code))
        assert faults.counts[500] == seen.count("500") and faults.counts[429] == seen.count("429")
        return seen

    first = run(7)
    assert first == run(7) and first != run(8)
    assert 150 <= first.count("500") <= 250  # about 10 % of 2000
    assert 60 <= first.count("429") <= 140  # about 5 %
    assert FakeBotAPI().fail_randomly(1.0, 0.0).draw("getUpdates") is None  # not a send


@pytest.mark.usefixtures("ptb_timedelta")
async def test_injected_failures_reach_the_bot_as_telegram_errors(tg: FakeTelegram) -> None:
    async with tg.running(echo_app(tg.builder())) as app:
        alice = tg.user(1001, "Alice")
        tg.api.fail_randomly(1.0, 0.0)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await app.bot.send_message(alice.chat_id, "hi")
        tg.api.fail_randomly(0.0, 1.0, retry_after=2)
        with pytest.raises(RetryAfter):
            await app.bot.send_message(alice.chat_id, "hi")
        tg.api.stop_failing()
        tg.api.fail_server_error(times=1)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await app.bot.send_message(alice.chat_id, "hi")
        await app.bot.send_message(alice.chat_id, "hi")
        assert [m.shown for m in alice.replies] == ["hi"]  # failed sends show nothing


def test_the_command_line_sets_up_the_failures() -> None:
    api = api_from(build_parser().parse_args(["--fail-500", "0.1", "--fail-429", "0.05"]))
    assert api._random_faults is not None  # type: ignore[attr-defined]
    assert (api._random_faults.server_errors, api._random_faults.floods) == (0.1, 0.05)
    assert api_from(build_parser().parse_args([]))._random_faults is None
