"""``themabot demo``: the real bot, offline, against the local Bot API stand-in.

No token and no Telegram. The demo creates a round from the built-in ``ivp`` template, invites
five colleagues and lets them answer in the chat with the sample answers in ``answers.toml``
(:mod:`~devtools.demo.script`); then it plays the coordinator (``/progress``, ``/overview FMT``)
and writes the documents the bot sent to the output folder (:mod:`~devtools.demo.play`).

Every message waits for the bot's reply before the next one, as a person would, so the demo
doubles as an end-to-end check: any error, unexpected reply or missing reply stops it with one
line and a non-zero exit code (details in ``demo.log`` in the output folder).
"""

from devtools.demo.play import run_demo
from devtools.demo.script import DemoColleague, DemoError, DemoScript, load_script

__all__ = ["DemoColleague", "DemoError", "DemoScript", "load_script", "run_demo"]
