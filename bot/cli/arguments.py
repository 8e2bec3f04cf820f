"""A mistake in the arguments, told the way every other refusal of the command line is told.

argparse's own way is a usage block of five lines and then its English message, and with
``--json`` nothing on stdout: a script parsing the output gets no JSON at all. Here it is one
line in the user's language that points to ``--help``, the same JSON refusal as any other,
and exit code 2, as argparse has it.
"""

from __future__ import annotations

import argparse
import re
from typing import NoReturn

from conversations.texts import Catalogue


class ArgumentsError(Exception):
    """What argparse would have printed before exiting: the parser's prog and its message."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse's parser, raising ArgumentsError where argparse would print and exit.

    Subcommands' parsers are made of the same class (argparse's default ``parser_class``).
    ``--help`` still prints and exits as argparse does.
    """

    def error(self, message: str) -> NoReturn:
        raise ArgumentsError(self.prog, message)


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
