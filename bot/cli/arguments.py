"""The arguments of the command line in the user's language: their help, and their mistakes.

A mistake: argparse's own way is a usage block of five lines and then its English message, and
with ``--json`` nothing on stdout, so a script parsing the output gets no JSON at all. Here it
is one line in the user's language that points to ``--help``, the same JSON refusal as any
other, and exit code 2, as argparse has it.

The help: the commands' modules write their help in English, where it is read next to the
code; the ``help_*`` texts of the ``[cli]`` catalogue say the same in each language, and the
help is shown in the user's (``tests/test_docs.py`` checks that no help text lacks its entry).
"""

from __future__ import annotations

import argparse
import copy
import re
from collections.abc import Callable
from functools import cache, partial
from typing import Any, NoReturn

from conversations.texts import Catalogue, catalogue


class ArgumentsError(Exception):
    """What argparse would have printed before exiting: the parser's prog and its message."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse's parser, raising ArgumentsError where argparse would print and exit.

    Subcommands' parsers are made of the same class (argparse's default ``parser_class``).
    ``--help`` still prints and exits as argparse does, in the language of ``catalogue``
    (see :func:`parser_class`; without one, as written).
    """

    catalogue: Catalogue | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.catalogue is not None:  # argparse makes a formatter only to print help
            kwargs.setdefault("formatter_class", partial(_Localised, catalogue=self.catalogue))
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise ArgumentsError(self.prog, message)


def parser_class(t: Catalogue) -> type[Parser]:
    """The Parser whose help (its own and its subcommands') is shown in ``t``'s language."""
    return type("Parser", (Parser,), {"catalogue": t})


@cache
def _saying(t: Catalogue) -> Callable[[str], str]:
    # English, as the modules write it, to the same text in t's language, by catalogue key.
    english = catalogue("en")
    keys = [k.removeprefix("cli.") for k in english.keys() if k.startswith("cli.help_")]  # noqa: SIM118
    said = {english.cli(k): t.cli(k) for k in keys}
    return lambda text: said.get(text, text)


class _Localised(argparse.HelpFormatter):
    """argparse's help layout, with every text (argparse's own words too) in one language."""

    def __init__(self, prog: str, *, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self._catalogue = catalogue

    def _say(self, text: str) -> str:
        # Looked up when a text is shown, not when argparse makes a formatter to work out a
        # subcommand's name: that would read the English catalogue for every command.
        return _saying(self._catalogue)(text)

    def _expand_help(self, action: argparse.Action) -> str:
        if action.help:
            said = self._say(action.help)
            action = copy.copy(action)
            action.help = said
        return super()._expand_help(action)

    def add_text(self, text: str | None) -> None:
        if text:
            text = self._say(text)
        super().add_text(text)

    def start_section(self, heading: str | None) -> None:
        super().start_section(self._say(heading) if heading else heading)

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        said = self._say("usage: ") if prefix is None else prefix
        super().add_usage(usage, actions, groups, said)


# argparse's messages (Python 3.11-3.13) and the catalogue text for each; the groups are the
# text's parameters. A message not listed is shown as argparse wrote it.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"unrecognized arguments: (?P<arguments>.+)"), "args_unknown"),
    (
        re.compile(
            r"argument (?P<argument>[A-Z]+): invalid choice: (?P<value>.*?) \(choose from"
            r" (?P<choices>.+)\)"
        ),
        "args_bad_command",  # a (sub)command, named by its placeholder: COMMAND, ACTION
    ),
    (
        re.compile(
            r"argument (?P<argument>\S+): invalid choice: (?P<value>.*?) \(choose from"
            r" (?P<choices>.+)\)"
        ),
        "args_bad_choice",
    ),
    (re.compile(r"the following arguments are required: (?P<argument>[A-Z]+)$"), "args_no_command"),
    (re.compile(r"the following arguments are required: (?P<arguments>.+)"), "args_missing"),
    (
        re.compile(r"argument (?P<argument>\S+): invalid int value: (?P<value>.*)"),
        "args_bad_number",
    ),
    (
        re.compile(r"argument (?P<argument>\S+): expected (?:one|at least one) argument"),
        "args_no_value",
    ),
]


def explain(error: ArgumentsError, t: Catalogue) -> str:
    """Returns the one line for ``error``: what is wrong, and where ``--help`` tells more."""
    said = error.message
    for pattern, key in _MESSAGES:
        found = pattern.match(error.message)
        if found:
            said = t.cli(key, **{k: _unquoted(k, v) for k, v in found.groupdict().items()})
            break
    return t.cli("args_see_help", problem=said, help=f"{error.prog} --help")


def _unquoted(name: str, value: str) -> str:
    # argparse quotes a value ('abc') and each choice ('create', 'list'): the texts quote the
    # value themselves, and a list of choices reads better bare.
    return value.strip("'") if name == "value" else value.replace("'", "")
