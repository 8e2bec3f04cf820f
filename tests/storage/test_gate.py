"""The write lock (storage.sqlite.gate): one holder at a time, first come first served, and a
queue of short blocks let through together."""

from __future__ import annotations

import asyncio

import pytest

from storage.sqlite.gate import Gate


async def test_one_holder_at_a_time_even_when_holders_suspend() -> None:
    gate = Gate()
    inside = 0
    most = 0

    async def block(suspends: bool) -> None:
        nonlocal inside, most
        async with gate:
            inside += 1
            most = max(most, inside)
            if suspends:
                await asyncio.sleep(0)
                await asyncio.sleep(0)
            inside -= 1

    await asyncio.gather(*(block(i % 3 == 0) for i in range(30)))
    assert most == 1
    assert not gate.locked()


async def test_waiters_get_the_gate_in_the_order_they_came() -> None:
    gate = Gate()
    order: list[int] = []

    async def block(n: int) -> None:
        async with gate:
            order.append(n)
            if n % 2 == 0:
                await asyncio.sleep(0)  # a holder that suspends makes the others wait again

    await gate.acquire()
    tasks = [asyncio.ensure_future(block(n)) for n in range(10)]
    await asyncio.sleep(0)  # all of them in line
    gate.release()
    await asyncio.gather(*tasks)
    assert order == list(range(10))


async def test_a_queue_of_blocks_that_do_not_suspend_goes_through_in_one_turn_of_the_loop() -> None:
    gate = Gate()
    done: list[int] = []

    async def block(n: int) -> None:
        async with gate:
            done.append(n)

    await gate.acquire()
    tasks = [asyncio.ensure_future(block(n)) for n in range(20)]
    await asyncio.sleep(0)
    gate.release()
    # asyncio.Lock would hand over to one waiter per turn: twenty turns.
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert done == list(range(20))
    await asyncio.gather(*tasks)


async def test_a_waiter_cancelled_in_line_leaves_nobody_stuck() -> None:
    gate = Gate()
    await gate.acquire()
    gone = asyncio.ensure_future(gate.acquire())
    later = asyncio.ensure_future(gate.acquire())
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    gate.release()
    await asyncio.wait_for(later, 1)
    assert gate.locked()
    gate.release()


async def test_a_waiter_cancelled_after_it_was_woken_leaves_nobody_stuck() -> None:
    gate = Gate()
    await gate.acquire()
    woken = asyncio.ensure_future(gate.acquire())
    other = asyncio.ensure_future(gate.acquire())
    await asyncio.sleep(0)
    gate.release()
    woken.cancel()  # woken, but cancelled before it ran
    with pytest.raises(asyncio.CancelledError):
        await woken
    await asyncio.wait_for(other, 1)
    assert gate.locked()
    gate.release()


def test_releasing_a_free_gate_is_a_mistake() -> None:
    with pytest.raises(RuntimeError):
        Gate().release()
