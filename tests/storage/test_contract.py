"""The store contract, as every backend must honour it. Uses only storage.contract's methods."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from conversations.state import AnswerSource, Mode
from conversations.template import PrivacyPolicy, ReminderPolicy, load_template
from storage import Store
from storage.contract import MAX_SEND_ATTEMPTS
from storage.records import (
    Actor,
    ActorRole,
    AnswerLink,
    Arrival,
    AuditAction,
    ClaimOutcome,
    Coordinator,
    Erased,
    Invite,
    Lane,
    Letter,
    Participant,
    Purge,
    PurgeOutcome,
    RosterEntry,
    Round,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
IVP = load_template("ivp")


async def new_round(store: Store, name: str = "R", deadline: date | None = None) -> Round:
    async with store.write() as tx:
        return await tx.create_round(name, IVP, deadline, NOW)


async def join(
    store: Store, round_id: int, user_id: int, name: str = "Alice", themes=("jeugd",)
) -> Participant:
    async with store.write() as tx:
        invite, _ = await tx.create_invite(round_id, name, themes, NOW)
        await tx.mark_invite_used(invite.id, user_id, NOW)
        return await tx.create_participant(invite, user_id, user_id, "nl", Mode.ASKING, NOW)


# --- transactions ----------------------------------------------------------------------


async def test_a_failed_write_rolls_back_entirely(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.save_answer(alice.id, "jeugd", "inhoud", ("half",), AnswerSource.ANSWER, NOW)
            raise RuntimeError("crash half-way")
    async with store.read() as tx:
        assert await tx.answers_of(alice.id) == []


async def test_concurrent_writes_do_not_interleave(store):
    alice = await join(store, (await new_round(store)).id, 1001)

    async def answer(i: int) -> None:
        async with store.write() as tx:
            await tx.save_answer(alice.id, "jeugd", f"q{i}", (str(i),), AnswerSource.ANSWER, NOW)
            await asyncio.sleep(0)  # give another coroutine the chance to barge in
            await tx.set_position(alice.id, Mode.ASKING, ("jeugd", f"q{i}"), NOW)

    await asyncio.gather(*(answer(i) for i in range(20)))
    async with store.read() as tx:
        assert len(await tx.answers_of(alice.id)) == 20


async def test_reads_do_not_wait_for_a_write_and_see_only_committed_state(store):
    round_ = await new_round(store, "Before")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def slow_writer() -> None:
        async with store.write() as tx:
            await tx.create_round("During", IVP, None, NOW)
            inside.set()
            await release.wait()  # holds the write transaction open

    writer = asyncio.ensure_future(slow_writer())
    await inside.wait()
    async with asyncio.timeout(5):  # would hang if reads took the write lock
        async with store.read() as tx:
            names = [r.name for r in await tx.list_rounds()]
    assert names == [round_.name]
    release.set()
    await writer
    async with store.read() as tx:
        assert [r.name for r in await tx.list_rounds()] == ["Before", "During"]


async def test_many_concurrent_reads(store):
    await new_round(store)

    async def count() -> int:
        async with store.read() as tx:
            await asyncio.sleep(0)
            return len(await tx.list_rounds())

    assert await asyncio.gather(*(count() for _ in range(25))) == [1] * 25


# --- rounds and invites -----------------------------------------------------------------


async def test_rounds_keep_their_template_snapshot_and_settings(store):
    created = await new_round(store, "IVP 2027", date(2027, 2, 26))
    async with store.write() as tx:
        await tx.set_reminders_enabled(created.id, False)
    async with store.read() as tx:
        (listed,) = await tx.list_rounds()
        assert await tx.get_round(created.id + 100) is None
    assert listed.id == created.id and listed.name == "IVP 2027"
    assert listed.deadline == date(2027, 2, 26) and listed.created_at == NOW
    assert listed.template == IVP and not listed.reminders_enabled


async def test_invite_tokens_open_their_invite_once_used_it_keeps_its_user(store):
    round_ = await new_round(store)
    async with store.write() as tx:
        invite, token = await tx.create_invite(round_.id, "Alice", ["jeugd"], NOW)
        assert await tx.invite_by_token(token) == invite
        assert await tx.invite_by_token(token + "x") is None
        await tx.mark_invite_used(invite.id, 1001, NOW)
        await tx.mark_invite_used(invite.id, 666, NOW + timedelta(hours=1))
        used = await tx.invite_by_token(token)
    assert len(token) >= 22 and invite.theme_keys == ("jeugd",)
    assert isinstance(used, Invite) and used.used_by == 1001 and used.used_at == NOW


async def test_pending_invites_are_colleague_invites_nobody_opened(store):
    round_ = await new_round(store)
    async with store.write() as tx:
        opened, _ = await tx.create_invite(round_.id, "Alice", ["jeugd"], NOW)
        await tx.mark_invite_used(opened.id, 1001, NOW)
        waiting, _ = await tx.create_invite(round_.id, "Bram", [], NOW)
        await tx.create_invite(round_.id, "Coby", [], NOW, coordinator=True)
    async with store.read() as tx:
        assert [i.name for i in await tx.pending_invites(round_.id)] == [waiting.name]
        assert [i.name for i in await tx.invites(round_.id)] == ["Alice", "Bram", "Coby"]


async def test_withdraw_takes_out_exactly_one_match(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001, "Alice de Vries")
    async with store.write() as tx:
        _, token = await tx.create_invite(round_.id, "Bram", [], NOW)
        await tx.create_invite(round_.id, "Sam", [], NOW)
        await tx.create_invite(round_.id, "sam", [], NOW)
        assert await tx.withdraw(round_.id, "alice  DE vries", NOW) == ["Alice de Vries"]
        assert await tx.withdraw(round_.id, "Bram", NOW) == ["Bram"]
        assert await tx.withdraw(round_.id, "Sam", NOW) == ["Sam", "sam"]  # ambiguous
        assert await tx.withdraw(round_.id, "Nobody", NOW) == []
    async with store.read() as tx:
        assert (await tx.participant(alice.id)).withdrawn
        assert await tx.active_participant(1001) is None
        assert await tx.invite_by_token(token) is None  # a withdrawn link stops working
        assert sorted(i.name for i in await tx.pending_invites(round_.id)) == ["Sam", "sam"]


async def test_a_running_round_can_be_renamed_moved_and_get_other_reminders(store):
    round_ = await new_round(store, "IVP", date(2027, 2, 26))
    other = await new_round(store, "Other", date(2027, 2, 26))
    policy = ReminderPolicy(hour=11, before_deadline_days=[2])
    async with store.write() as tx:
        await tx.rename_round(round_.id, "IVP 2027-2030")
        await tx.set_deadline(round_.id, date(2027, 3, 12))
        await tx.set_reminder_policy(round_.id, policy)
    async with store.read() as tx:
        changed = await tx.get_round(round_.id)
        untouched = await tx.get_round(other.id)
    assert changed.name == "IVP 2027-2030" and changed.deadline == date(2027, 3, 12)
    assert changed.template.reminders == policy
    # Only the reminders changed in the round's own snapshot; other rounds keep theirs.
    assert changed.template.model_copy(update={"reminders": IVP.reminders}) == IVP
    assert untouched.template == IVP and untouched.deadline == date(2027, 2, 26)
    async with store.write() as tx:
        await tx.set_deadline(round_.id, None)
    async with store.read() as tx:
        assert (await tx.get_round(round_.id)).deadline is None


async def test_the_roster_holds_everyone_with_a_place_in_the_round(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001, "Alice", themes=("jeugd",))
    async with store.write() as tx:
        bram, _ = await tx.create_invite(round_.id, "Bram", ["ondermijning"], NOW)
        coby, _ = await tx.create_invite(round_.id, "Coby", [], NOW, coordinator=True)
        gone, _ = await tx.create_invite(round_.id, "Dirk", [], NOW)
        assert await tx.withdraw_by_invite(gone.id, NOW)
        # Alice opens a second invite: its themes become hers, it gets no place of its own.
        second, _ = await tx.create_invite(round_.id, "A. de Vries", ["digitaal"], NOW)
        await tx.mark_invite_used(second.id, 1001, NOW)
        await tx.set_themes(alice.id, ["jeugd", "digitaal"])
        await tx.set_invite_themes(bram.id, ["jeugd", "ondermijning"])
    async with store.read() as tx:
        roster = await tx.roster(round_.id)
        other = await tx.roster(round_.id + 1)
    assert other == []
    assert [e.name for e in roster] == ["Alice", "Bram", "Coby"]
    first, waiting, coordinator = roster
    assert first == RosterEntry(
        invite_id=alice.invite_id,
        round_id=round_.id,
        name="Alice",
        theme_keys=("jeugd", "digitaal"),
        coordinator=False,
        invited_at=NOW,
        opened=True,
        participant_id=alice.id,
        chat_id=1001,
        language="nl",
    )
    assert first.joined and not waiting.joined and not waiting.opened
    assert waiting.invite_id == bram.id and waiting.theme_keys == ("jeugd", "ondermijning")
    assert coordinator.coordinator and coordinator.invite_id == coby.id


async def test_withdraw_by_invite_takes_out_the_holder_once(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001)
    async with store.write() as tx:
        bram, token = await tx.create_invite(round_.id, "Bram", [], NOW)
        coby, _ = await tx.create_invite(round_.id, "Coby", [], NOW, coordinator=True)
        assert await tx.withdraw_by_invite(alice.invite_id, NOW)
        assert not await tx.withdraw_by_invite(alice.invite_id, NOW)  # withdrawn already
        assert await tx.withdraw_by_invite(bram.id, NOW)
        assert not await tx.withdraw_by_invite(bram.id, NOW)
        assert not await tx.withdraw_by_invite(coby.id, NOW)
        assert not await tx.withdraw_by_invite(9999, NOW)
    async with store.read() as tx:
        assert (await tx.participant(alice.id)).withdrawn
        assert await tx.invite_by_token(token) is None
        assert [e.name for e in await tx.roster(round_.id)] == ["Coby"]


# --- participants ----------------------------------------------------------------------


async def test_a_participant_gets_the_invites_name_and_themes(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001, themes=("ondermijning", "jeugd"))
    assert alice.name == "Alice" and alice.theme_keys == ("ondermijning", "jeugd")
    assert alice.mode is Mode.ASKING and alice.cursor is None and alice.submitted_at is None
    assert alice.invited_at == NOW and alice.joined_at == NOW
    async with store.write() as tx:
        await tx.set_themes(alice.id, ["jeugd"])
        await tx.set_position(alice.id, Mode.REVIEW, ("jeugd", "inhoud"), NOW, chat_id=77)
        await tx.mark_submitted(alice.id, NOW)
    async with store.read() as tx:
        again = await tx.participant(alice.id)
        assert await tx.participant_in_round(round_.id, 1001) == again
        assert await tx.participant_in_round(round_.id, 1002) is None
    assert again.theme_keys == ("jeugd",) and again.mode is Mode.REVIEW
    assert again.cursor == ("jeugd", "inhoud") and again.chat_id == 77
    assert again.submitted_at == NOW


async def test_the_active_participation_is_the_one_last_used(store):
    first = await new_round(store, "Eerste")
    second = await new_round(store, "Tweede")
    a = await join(store, first.id, 1001)
    b = await join(store, second.id, 1001)
    async with store.write() as tx:
        await tx.touch(a.id, NOW + timedelta(minutes=5))
    async with store.read() as tx:
        assert (await tx.active_participant(1001)).id == a.id
    async with store.write() as tx:
        await tx.set_position(b.id, Mode.ASKING, None, NOW + timedelta(minutes=9))
    async with store.read() as tx:
        assert (await tx.active_participant(1001)).id == b.id
        assert [p.id for p in await tx.participants(first.id)] == [a.id]


async def test_unreachable_is_set_by_failures_and_cleared_by_activity(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001)
    later = NOW + timedelta(hours=1)
    async with store.write() as tx:
        await tx.mark_unreachable(alice.id, NOW)
        await tx.mark_unreachable(alice.id, later)  # keeps the older mark
        assert (await tx.participant(alice.id)).unreachable_at == NOW
        await tx.touch(alice.id, later)
        assert (await tx.participant(alice.id)).unreachable_at is None
        await tx.set_reachable(1001, False, later)
        assert (await tx.participant(alice.id)).unreachable_at == later
        await tx.set_reachable(1001, True, later)
        assert (await tx.participant(alice.id)).unreachable_at is None


# --- answers -----------------------------------------------------------------------------


async def test_answers_keep_every_version_and_map_messages(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    answer, append = AnswerSource.ANSWER, AnswerSource.APPEND
    async with store.write() as tx:
        await tx.save_answer(
            alice.id, "jeugd", "inhoud", ("een",), answer, NOW, chat_id=1, message_id=10
        )
        await tx.save_answer(
            alice.id, "jeugd", "inhoud", ("een", "twee"), append, NOW, chat_id=1, message_id=11,
            part=1,
        )  # fmt: skip
        assert await tx.answer_for_message(1, 11) == AnswerLink(alice.id, "jeugd", "inhoud", 1)
        later = NOW + timedelta(minutes=3)
        await tx.save_answer(
            alice.id, "jeugd", "inhoud", ("nieuw",), answer, later, chat_id=1, message_id=12
        )
        # A fresh answer replaces the parts: editing the old messages no longer applies.
        assert await tx.answer_for_message(1, 10) is None
        assert await tx.answer_for_message(1, 12) == AnswerLink(alice.id, "jeugd", "inhoud", 0)
        (current,) = await tx.answers_of(alice.id)
        history = await tx.answer_history(alice.id, "jeugd", "inhoud")
    assert current.text == "nieuw" and current.parts == ("nieuw",) and current.versions == 3
    assert current.created_at == NOW and current.updated_at == later
    assert [(v.text, v.source) for v in history] == [
        ("een", answer),
        ("een\ntwee", append),
        ("nieuw", answer),
    ]


async def test_an_answer_comes_back_in_the_parts_it_was_given_in(store):
    # One part is read as the text itself, more parts from their list: both must come back
    # exactly, lines, quotes and all.
    alice = await join(store, (await new_round(store)).id, 1001)
    given = {
        "inhoud": ('Een regel\nen nog een, met "aanhalingstekens" en é',),
        "partners": ("Politie", 'OM ", "', "wijk\nteam"),
        "ontwikkelingen": ("",),
    }
    async with store.write() as tx:
        for question, parts in given.items():
            await tx.save_answer(alice.id, "jeugd", question, parts, AnswerSource.ANSWER, NOW)
    async with store.read() as tx:
        mine = await tx.answers_of(alice.id)
        round_ = await tx.round_answers(alice.round_id)
    for answers in (mine, round_):
        assert {a.question_key: a.parts for a in answers} == given
        assert {a.question_key: a.text for a in answers} == {
            q: "\n".join(parts) for q, parts in given.items()
        }


async def test_round_answers_are_the_rounds_only(store):
    first, second = await new_round(store, "A"), await new_round(store, "B")
    alice, bram = await join(store, first.id, 1001), await join(store, second.id, 1002, "Bram")
    async with store.write() as tx:
        for who in (alice, bram):
            await tx.save_answer(who.id, "jeugd", "inhoud", (who.name,), AnswerSource.ANSWER, NOW)
    async with store.read() as tx:
        assert [a.text for a in await tx.round_answers(first.id)] == ["Alice"]


async def test_a_snapshot_holds_the_whole_round(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001)
    async with store.write() as tx:
        await tx.create_invite(round_.id, "Bram", ["jeugd"], NOW)
        await tx.save_answer(alice.id, "jeugd", "inhoud", ("x",), AnswerSource.ANSWER, NOW)
        await tx.merge_partner(round_.id, "wijkagent", "Politie", NOW)
    async with store.read() as tx:
        snapshot = await tx.snapshot(round_.id)
        assert await tx.snapshot(round_.id + 1) is None
    assert snapshot.round.id == round_.id
    assert [p.name for p in snapshot.participants] == ["Alice"]
    assert [a.text for a in snapshot.answers] == ["x"]
    assert [i.name for i in snapshot.pending_invites] == ["Bram"]
    assert snapshot.partner_merges == {"wijkagent": "Politie"}


# --- reminder claims ---------------------------------------------------------------------


async def test_a_slot_is_won_once(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    async with store.write() as tx:
        assert await tx.claim_reminder(alice.id, "first", NOW) == 1
        assert await tx.claim_reminder(alice.id, "first", NOW) == 0
        await tx.record_reminder(alice.id, "first", ClaimOutcome.SENT)
        assert await tx.claim_reminder(alice.id, "first", NOW) == 0
        history = await tx.claim_history(alice.id)
        assert await tx.reminder_outcomes(alice.id) == {"first": ClaimOutcome.SENT}
    assert history.claimed == {"first"} and history.last_reminded_at == NOW


async def test_a_failed_slot_is_tried_again_a_bounded_number_of_times(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    tries = []
    async with store.write() as tx:
        for _ in range(MAX_SEND_ATTEMPTS + 2):
            attempt = await tx.claim_reminder(alice.id, "weekly", NOW)
            tries.append(attempt)
            if attempt:
                await tx.record_reminder(alice.id, "weekly", ClaimOutcome.FAILED)
            open_again = "weekly" not in (await tx.claim_history(alice.id)).claimed
            assert open_again == (0 < attempt < MAX_SEND_ATTEMPTS)
    assert tries == [*range(1, MAX_SEND_ATTEMPTS + 1), 0, 0]


async def test_superseded_slots_are_settled_without_counting_as_reminded(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    async with store.write() as tx:
        await tx.supersede_reminders(alice.id, ["first", "weekly:1"], NOW)
        history = await tx.claim_history(alice.id)
        assert await tx.claim_reminder(alice.id, "first", NOW) == 0
    assert history.claimed == {"first", "weekly:1"} and history.last_reminded_at is None


async def test_reminders_in_another_round_of_the_same_person_count(store):
    a = await join(store, (await new_round(store, "A")).id, 1001)
    b = await join(store, (await new_round(store, "B")).id, 1001)
    async with store.write() as tx:
        await tx.claim_reminder(a.id, "first", NOW)
        mine, other = await tx.claim_history(a.id), await tx.claim_history(b.id)
    assert mine.other_reminded_at is None and other.other_reminded_at == NOW


async def test_snooze_and_pause_are_stored_on_the_participant(store):
    alice = await join(store, (await new_round(store)).id, 1001)
    async with store.write() as tx:
        await tx.snooze(alice.id, NOW + timedelta(days=1))
        await tx.pause(alice.id, date(2026, 12, 11))
    async with store.read() as tx:
        again = await tx.participant(alice.id)
    assert again.snoozed_until == NOW + timedelta(days=1)
    assert again.paused_until == date(2026, 12, 11)


# --- coordinators, partner merges, meta, updates -----------------------------------------


async def test_coordinators_and_their_active_round(store):
    first, second = await new_round(store, "A"), await new_round(store, "B")
    async with store.write() as tx:
        await tx.add_coordinator(9001, 9001, "Coby", None, NOW, first.id)
        await tx.add_coordinator(9002, 9102, "Dirk", None, NOW)
        await tx.set_active_round(9002, 9102, "Dirk", second.id, NOW)
        await tx.add_coordinator(9002, 9102, "Dirk", None, NOW)  # again: keeps the round
    async with store.read() as tx:
        coby, dirk = await tx.coordinator(9001), await tx.coordinator(9002)
        assert await tx.coordinator(9003) is None
        assert sorted(await tx.coordinator_chats()) == [9001, 9102]
    assert isinstance(coby, Coordinator) and coby.active_round_id == first.id
    assert dirk.active_round_id == second.id and dirk.name == "Dirk"


async def test_partner_merges_newest_last(store):
    round_ = await new_round(store)
    async with store.write() as tx:
        await tx.merge_partner(round_.id, "wijkagent", "Politie", NOW)
        await tx.merge_partner(round_.id, "om", "OM", NOW + timedelta(seconds=1))
        await tx.merge_partner(round_.id, "wijkagent", "Politie Hollands Midden", NOW)
    async with store.read() as tx:
        merges = await tx.partner_merges(round_.id)
    assert merges == {"om": "OM", "wijkagent": "Politie Hollands Midden"}


async def test_meta_values(store):
    async with store.write() as tx:
        assert await tx.get_meta("bot_username") is None
        await tx.set_meta("bot_username", "a_bot")
        await tx.set_meta("bot_username", "b_bot")
    async with store.read() as tx:
        assert await tx.get_meta("bot_username") == "b_bot"


async def test_update_ids_are_claimed_once_but_a_reused_id_is_a_new_update(store):
    async with store.write() as tx:
        assert await tx.claim_update(5, "m:1:10:0", NOW)
        assert not await tx.claim_update(5, "m:1:10:0", NOW)  # a redelivery
        # Telegram picks ids at random after a quiet week: same id, another message.
        assert await tx.claim_update(5, "m:1:99:0", NOW)
        # The same id and message long after Telegram could redeliver it: new again.
        assert await tx.claim_update(5, "m:1:99:0", NOW + timedelta(days=3))


# --- deliveries: the inbox and the outbox ------------------------------------------------


def arrival(update_id: int, chat_id: int = 1001, message_id: int | None = None) -> Arrival:
    message_id = update_id if message_id is None else message_id
    return Arrival(
        update_id, f"m:{chat_id}:{message_id}:0", chat_id, f'{{"update_id": {update_id}}}'
    )


async def test_received_updates_wait_in_the_inbox_until_claimed(store):
    async with store.write() as tx:
        new = await tx.receive_updates([arrival(1), arrival(2, 1002), arrival(3)], NOW)
    assert [e.update_id for e in new] == [1, 2, 3] and new[1].chat_id == 1002
    async with store.write() as tx:
        # Redelivered after a crash before the offset was confirmed: nothing new.
        assert await tx.receive_updates([arrival(2, 1002), arrival(4)], NOW) == [
            *[e for e in await tx.pending_updates() if e.update_id == 4]
        ]
        assert await tx.claim_update(2, "m:1002:2:0", NOW)
        assert not await tx.claim_update(2, "m:1002:2:0", NOW)
    async with store.read() as tx:
        pending = await tx.pending_updates()
    assert [e.update_id for e in pending] == [1, 3, 4]
    assert pending[0].payload == '{"update_id": 1}' and pending[0].received_at == NOW


async def test_a_handled_update_is_not_received_again_but_a_reused_id_is(store):
    async with store.write() as tx:
        await tx.receive_updates([arrival(5)], NOW)
        assert await tx.claim_update(5, "m:1001:5:0", NOW)
        assert await tx.receive_updates([arrival(5)], NOW) == []
        (reused,) = await tx.receive_updates([arrival(5, message_id=99)], NOW)
    assert reused.fingerprint == "m:1001:99:0"


async def test_a_forgotten_update_leaves_nothing(store):
    async with store.write() as tx:
        await tx.receive_updates([arrival(7, 666)], NOW)
        await tx.forget_update(7, "m:666:7:0")
    async with store.read() as tx:
        assert await tx.pending_updates() == []


async def test_the_outbox_keeps_order_lanes_and_retries(store):
    later = NOW + timedelta(minutes=5)
    keyboard = ((("Overslaan", "v1:sk:1:0"), ("Terug", "v1:bk:1:0")),)
    async with store.write() as tx:
        first, second = await tx.queue_messages(
            1001, [Letter("één", keyboard), Letter("twee")], Lane.REPLY, NOW
        )
        (bulk,) = await tx.queue_messages(
            1002, [Letter("herinnering")], Lane.BULK, NOW, not_before=later
        )
    assert first.keyboard == keyboard and second.keyboard is None and first.id < second.id
    async with store.read() as tx:
        assert await tx.pending_messages(Lane.REPLY) == [first, second]
        assert await tx.pending_messages(Lane.BULK, due=NOW) == []
        assert await tx.pending_messages(Lane.BULK, due=later) == [bulk]
    async with store.write() as tx:
        await tx.messages_sent([first.id])
        await tx.message_failed(second.id, later)
        await tx.message_failed(bulk.id, None)  # given up
    async with store.read() as tx:
        (retry,) = await tx.pending_messages(Lane.REPLY)
        assert await tx.pending_messages(Lane.REPLY, due=NOW) == []
        assert await tx.pending_messages(Lane.BULK) == []
    assert retry.id == second.id and retry.attempts == 1 and retry.not_before == later
    async with store.read() as tx:
        assert await tx.chat_outbox(first.chat_id) == [retry]  # due or not
        assert await tx.chat_outbox(-1) == []


# --- privacy: withdrawing, closing, purging, the audit trail, one person's data ----------


async def answered(store: Store, participant: Participant, *texts: str) -> None:
    """Gives a participant answers with a message each, a second version, and a reminder."""
    async with store.write() as tx:
        for i, text in enumerate(texts):
            await tx.save_answer(
                participant.id,
                "jeugd",
                f"q{i}",
                (text,),
                AnswerSource.ANSWER,
                NOW,
                chat_id=participant.chat_id,
                message_id=100 + i,
            )
            await tx.save_answer(
                participant.id,
                "jeugd",
                f"q{i}",
                (f"{text} (bewerkt)",),
                AnswerSource.EDIT,
                NOW + timedelta(minutes=5),
                chat_id=participant.chat_id,
                message_id=100 + i,
            )
        await tx.claim_reminder(participant.id, "first", NOW)


async def test_withdrawing_erases_the_input_and_keeps_that_one_took_part(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001)
    bram = await join(store, round_.id, 1002, "Bram")
    await answered(store, alice, "A1", "A2")
    await answered(store, bram, "B1")
    async with store.write() as tx:
        await tx.queue_messages(1001, [Letter("Je antwoord: A1")], Lane.REPLY, NOW)
        await tx.queue_messages(1001, [Letter("De deadline is verplaatst")], Lane.BULK, NOW)
        await tx.queue_messages(1002, [Letter("Je antwoord: B1")], Lane.REPLY, NOW)
        erased = await tx.withdraw_participant(alice.id, NOW + timedelta(hours=1))
        assert await tx.withdraw_participant(alice.id, NOW) is None  # once
        assert await tx.withdraw_participant(9999, NOW) is None
    assert erased == Erased(answers=2, versions=4, message_links=2, reminders=1)
    async with store.read() as tx:
        gone = await tx.participant(alice.id)
        assert await tx.answers_of(alice.id) == []
        assert await tx.answer_history(alice.id, "jeugd", "q0") == []
        assert await tx.answer_for_message(1001, 100) is None
        assert await tx.reminder_outcomes(alice.id) == {}
        assert len(await tx.answers_of(bram.id)) == 1  # nobody else's
        assert await tx.answer_for_message(1002, 100) is not None
        # A reply waiting for her chat may quote her answers; an announcement never does.
        assert [m.text for m in await tx.pending_messages(Lane.REPLY)] == ["Je antwoord: B1"]
        assert [m.chat_id for m in await tx.pending_messages(Lane.BULK)] == [1001]
    assert gone.withdrawn and gone.withdrawn_at == NOW + timedelta(hours=1)
    assert gone.name == "Alice" and gone.cursor is None


async def test_every_kind_of_withdrawal_erases_the_same_way(store):
    round_ = await new_round(store)
    alice = await join(store, round_.id, 1001, "Alice")
    bram = await join(store, round_.id, 1002, "Bram")
    await answered(store, alice, "A1")
    await answered(store, bram, "B1")
    async with store.write() as tx:
        assert await tx.withdraw_by_invite(alice.invite_id, NOW)
        assert await tx.withdraw(round_.id, "bram", NOW) == ["Bram"]
    async with store.read() as tx:
        for person in (alice, bram):
            assert await tx.answers_of(person.id) == []
            assert await tx.reminder_outcomes(person.id) == {}
            assert (await tx.participant(person.id)).withdrawn_at == NOW


async def test_a_round_closes_once_and_keeps_its_retention(store):
    template = IVP.model_copy(update={"privacy": PrivacyPolicy(retention_days=30)})
    async with store.write() as tx:
        round_ = await tx.create_round("R", template, None, NOW)
        assert await tx.close_round(round_.id, NOW)
        assert not await tx.close_round(round_.id, NOW + timedelta(days=1))
        await tx.set_retention(round_.id, None)
        await tx.set_retention(round_.id, 7)
    assert round_.retention_days == 30 and not round_.closed
    async with store.read() as tx:
        closed = await tx.get_round(round_.id)
    assert closed.closed and closed.closed_at == NOW and closed.retention_days == 7
    assert closed.purged_at is None


async def test_an_open_round_is_preferred_over_a_closed_one(store):
    old, new = await new_round(store, "Old"), await new_round(store, "New")
    await join(store, old.id, 1001)
    later = await join(store, new.id, 1001)
    async with store.write() as tx:
        await tx.touch(later.id, NOW - timedelta(days=1))  # the old round was used last
        await tx.close_round(old.id, NOW)
    async with store.read() as tx:
        assert (await tx.active_participant(1001)).round_id == new.id


async def test_the_audit_trail_records_who_did_what(store):
    round_ = await new_round(store)
    coby = Actor(ActorRole.COORDINATOR, 9001, "Coby")
    async with store.write() as tx:
        await tx.record_action(
            round_.id,
            AuditAction.WITHDRAW,
            coby,
            NOW,
            subject_name="Bram",
            subject_invite=2,
            detail={"answers": 3},
        )
        await tx.record_action(round_.id, AuditAction.CLOSE, Actor(ActorRole.COMMAND_LINE), NOW)
    async with store.read() as tx:
        withdrew, closed = await tx.audit_trail(round_.id)
        assert await tx.audit_trail(round_.id + 1) == []
    assert withdrew.action is AuditAction.WITHDRAW and withdrew.actor == coby
    assert withdrew.subject_name == "Bram" and withdrew.subject_invite == 2
    assert withdrew.detail == (("answers", 3),) and withdrew.at == NOW
    assert closed.actor == Actor(ActorRole.COMMAND_LINE) and closed.detail == ()


async def test_purging_erases_a_closed_round_and_keeps_anonymous_counts(store):
    round_ = await new_round(store)
    other = await new_round(store, "Other")
    alice = await join(store, round_.id, 1001, "Alice de Vries")
    bram = await join(store, round_.id, 1002, "Bram")
    elsewhere = await join(store, other.id, 1003, "Carla")
    await answered(store, alice, "Alice-tekst", "nog een")
    await answered(store, bram, "Bram-tekst")
    await answered(store, elsewhere, "Carla-tekst")
    coby = Actor(ActorRole.COORDINATOR, 9001, "Coby")
    async with store.write() as tx:
        await tx.mark_submitted(alice.id, NOW)
        await tx.create_invite(round_.id, "Dirk", [], NOW)
        await tx.merge_partner(round_.id, "wijkagent", "Politie", NOW)
        await tx.add_coordinator(9001, 9001, "Coby", None, NOW, active_round_id=round_.id)
        await tx.record_action(round_.id, AuditAction.WITHDRAW, coby, NOW, subject_name="Eva")
        assert (await tx.purge_round(round_.id, NOW)).outcome is PurgeOutcome.NOT_CLOSED
        assert (await tx.purge_round(9999, NOW)).outcome is PurgeOutcome.NO_ROUND
        await tx.close_round(round_.id, NOW)
        purged = await tx.purge_round(round_.id, NOW + timedelta(days=1))
        assert (await tx.purge_round(round_.id, NOW)).outcome is PurgeOutcome.ALREADY
    assert purged == Purge(PurgeOutcome.PURGED, colleagues=2, invites=3, answers=3)
    async with store.read() as tx:
        round_after = await tx.get_round(round_.id)
        snapshot = await tx.snapshot(round_.id)
        kept = await tx.kept(round_.id)
        (entry,) = await tx.audit_trail(round_.id)
        coordinator = await tx.coordinator(9001)
        assert await tx.kept(other.id) is None
        assert len(await tx.answers_of(elsewhere.id)) == 1  # another round is untouched
        assert await tx.partner_merges(round_.id) == {}
        assert await tx.active_participant(1001) is None
    assert round_after.purged_at == NOW + timedelta(days=1) and round_after.name == "R"
    assert snapshot.participants == () and snapshot.answers == () and snapshot.kept == kept
    assert snapshot.pending_invites == ()
    assert kept.colleagues == 2 and kept.submitted == 1
    assert {(c.question_key, c.answers) for c in kept.counts} == {("q0", 2), ("q1", 1)}
    assert kept.answers("jeugd", "q0") == 2 and kept.answers("jeugd", "nope") == 0
    assert entry.action is AuditAction.WITHDRAW and entry.actor == Actor(ActorRole.COORDINATOR)
    assert entry.subject_name is None
    assert coordinator.active_round_id is None and coordinator.name == "Coby"


async def test_the_store_purges_and_scrubs_in_one_go(store):
    round_ = await new_round(store)
    await answered(store, await join(store, round_.id, 1001), "Alice-tekst")
    operator = Actor(ActorRole.COMMAND_LINE, name="ops")
    assert (await store.purge(round_.id, NOW, operator)).outcome is PurgeOutcome.NOT_CLOSED
    async with store.write() as tx:
        await tx.close_round(round_.id, NOW)
    purged = await store.purge(round_.id, NOW, operator)
    assert purged.done and purged.scrubbed and purged.answers == 1
    assert await store.scrub()
    async with store.read() as tx:
        (entry,) = await tx.audit_trail(round_.id)
    assert entry.action is AuditAction.PURGE and entry.actor == operator
    assert dict(entry.detail) == {"colleagues": 1, "invites": 1, "answers": 1}


async def test_personal_data_holds_everything_of_one_person_and_nothing_of_others(store):
    round_ = await new_round(store)
    other = await new_round(store, "Other")
    alice = await join(store, round_.id, 1001, "Alice")
    await join(store, other.id, 1001, "Alice")
    bram = await join(store, round_.id, 1002, "Bram")
    await answered(store, alice, "Alice-tekst")
    await answered(store, bram, "Bram-tekst")
    coby = Actor(ActorRole.COORDINATOR, 9001, "Coby")
    async with store.write() as tx:
        await tx.withdraw_participant(bram.id, NOW)
        await tx.record_action(
            round_.id,
            AuditAction.WITHDRAW,
            coby,
            NOW,
            subject_name="Alice",
            subject_invite=alice.invite_id,
        )
        await tx.record_action(
            round_.id,
            AuditAction.WITHDRAW,
            coby,
            NOW,
            subject_name="Bram",
            subject_invite=bram.invite_id,
        )
        await tx.add_coordinator(9001, 9001, "Coby", None, NOW)
        await tx.queue_messages(1001, [Letter("hallo")], Lane.BULK, NOW)
    async with store.read() as tx:
        mine = await tx.personal_data(1001)
        coby_data = await tx.personal_data(9001)
        nobody = await tx.personal_data(666)
    first, second = mine.participations
    assert mine.user_id == 1001 and first.participant.id == alice.id
    assert first.invite.name == "Alice" and second.round.name == "Other"
    (record,) = first.answers
    assert [v.text for v in record.history] == ["Alice-tekst", "Alice-tekst (bewerkt)"]
    assert record.message_ids == (100,) and first.reminders[0].slot_key == "first"
    (about,) = first.audit  # the withdrawal of Bram is not hers
    assert about.actor == Actor(ActorRole.COORDINATOR)  # who acted: the role, not the name
    assert mine.queued_messages == 1 and mine.coordinator is None
    assert "Bram" not in repr(mine) and "Coby" not in repr(mine)
    assert coby_data.coordinator.name == "Coby" and len(coby_data.coordinator_actions) == 2
    assert all(e.subject_name is None for e in coby_data.coordinator_actions)
    assert nobody.participations == () and nobody.coordinator is None
