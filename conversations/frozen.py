"""Frozen dataclasses that are quick to make, for records made by the ten thousand.

``@dataclass(frozen=True)`` writes each field through ``object.__setattr__`` (its own
``__setattr__`` refuses), about 2 µs per record of eight fields. A large round's overview makes
two such records per answer (the stored Answer and the document's AnswerEntry), 40,000 at
1,000 colleagues: a twentieth of ``themabot report``. ``quick`` gives a frozen dataclass an
``__init__`` that fills the instance's ``__dict__`` directly, which is what ``object.__setattr__``
ends up doing. Everything else stays the dataclass's own: the fields, equality, hashing,
``repr``, pickling, ``dataclasses.replace``, and the refusal to change a field afterwards.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick(cls: type[T]) -> type[T]:
    """Replaces the ``__init__`` of a frozen dataclass with one that writes ``__dict__``.

    For plain records only: a field with a default factory, a field outside ``__init__``, a
    keyword-only field, ``__post_init__`` or ``__slots__`` is refused (TypeError), as it would
    need more of dataclasses' own code.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    plain = all(
        f.init and not f.kw_only and f.default_factory is dataclasses.MISSING for f in fields
    )
    if not plain or hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        raise TypeError(f"{cls.__name__} is not a plain record")
    defaults: dict[str, Any] = {
        f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING
    }
    signature = ", ".join(
        f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}"
        for f in fields
    )
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fields) or "    pass\n"
    source = f"def __init__(self, {signature}):\n    d = self.__dict__\n{body}"
    namespace = dict(defaults)
    exec(source, namespace)  # our own source, built from the field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning a method
    return cls
