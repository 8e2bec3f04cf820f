"""Partners in chat: /merge joins spellings into one partner, never splits one."""

from __future__ import annotations


async def _round_with_police(bot):
    round_id = await bot.create_round("ivp")
    alice = bot.user(1001, "Alice")
    await alice.send(f"/start {await bot.invite(round_id, 'Alice', ['jeugd'])}")
    await alice.send("Jeugdoverlast")
    await alice.send("Politie, wijkagent, Politie Hollands Midden, de politie, GGD, Veilig Thuis")
    return round_id


def _rows(reply: str) -> list[str]:
    # The title, then one line per partner, then the merge hint after a blank line.
    return reply.split("\n\n")[0].split("\n")[1:]


async def test_merging_police_onto_a_regional_name_keeps_one_partner(bot):
    await _round_with_police(bot)
    coby = bot.coordinator()
    await coby.send("/merge Politie = Politie Hollands Midden")
    await coby.send("/partners")
    police = [row for row in _rows(coby.last_reply) if "olitie" in row]
    assert len(police) == 1 and "Politie Hollands Midden" in police[0]


async def test_merging_back_and_forth_keeps_one_partner(bot):
    await _round_with_police(bot)
    coby = bot.coordinator()
    await coby.send("/merge GGD = Veilig Thuis")
    await coby.send("/merge Veilig Thuis = GGD")
    await coby.send("/partners")
    rows = _rows(coby.last_reply)
    assert len([row for row in rows if "GGD" in row or "Veilig Thuis" in row]) == 1
