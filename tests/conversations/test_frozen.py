"""conversations.frozen.quick: a quicker __init__, the same frozen dataclass otherwise."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from conversations.frozen import quick
from reports.sections import AnswerEntry, PartnerMention
from storage.records import Answer


@quick
@dataclass(frozen=True)
class Quick:
    name: str
    count: int = 1
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plain:
    name: str
    count: int = 1
    tags: tuple[str, ...] = ()


def test_a_quick_record_is_made_and_behaves_as_the_plain_dataclass():
    for args, kwargs in [(("a",), {}), (("a", 2), {"tags": ("x",)}), ((), {"name": "b"})]:
        quick_one, plain = Quick(*args, **kwargs), Plain(*args, **kwargs)
        assert dataclasses.astuple(quick_one) == dataclasses.astuple(plain)
        assert repr(quick_one) == repr(plain).replace("Plain", "Quick")
        assert quick_one == Quick(*args, **kwargs) and hash(quick_one) == hash(
            Quick(*args, **kwargs)
        )
    one = Quick("a", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.count = 3  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(one)) == one
    assert dataclasses.replace(one, count=5) == Quick("a", 5)
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", 1, (), "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", nme="typo")  # type: ignore[call-arg]


def test_only_plain_frozen_records_are_made_quick():
    @dataclass
    class Mutable:
        name: str

    @dataclass(frozen=True)
    class Factory:
        names: list[str] = field(default_factory=list)

    @dataclass(frozen=True)
    class Checked:
        name: str

        def __post_init__(self) -> None:
            assert self.name

    for cls in (Mutable, Factory, Checked, int):
        with pytest.raises(TypeError):
            quick(cls)


def test_the_records_made_by_the_ten_thousand_are_quick():
    # The store's answers and the overview's entries: two per answer in a large round.
    for cls in (Answer, AnswerEntry, PartnerMention):
        # dataclasses' own frozen __init__ goes through object.__setattr__ for each field
        assert "__setattr__" not in cls.__init__.__code__.co_names
