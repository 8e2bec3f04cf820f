"""``make bench``: themabot against what a user would otherwise run, measured from outside.

Run ``make bench`` (``python -m benchmarks`` from the repository root; ``--quick`` for a smoke
run, ``--help`` for the parts and sizes). Every bot runs as a real process against the Bot API
stand-in (``python -m devtools.standin``, a process of its own); the driver plays the
colleagues over the stand-in's control API. Results, machine and command go to
docs/benchmarks.md.

- :mod:`benchmarks.load`: the closed-loop driver and what one run measures;
- :mod:`benchmarks.conditions`: loopback, 50 ms per call, 50 ms + Telegram's cap; medians over
  alternating runs, ratios and targets;
- :mod:`benchmarks.contenders`: how each bot is started (themabot through its real CLI);
  :mod:`benchmarks.references`: the PTB and aiogram reference bots;
- :mod:`benchmarks.documents`: the overview per format and size, time and peak memory;
- :mod:`benchmarks.overview_load`: replies while ``/overview xlsx`` of 1,000 colleagues is built;
- :mod:`benchmarks.fanout`: 5,000 due reminders against a stand-in capped at 30 messages/s;
- :mod:`benchmarks.profile`: themabot under the loopback load, profiled (pyinstrument).

Timing lives here and only here: the test-suite never asserts on speed.
"""

import os

# PTB 22 warns when it builds RetryAfter unless told to use timedeltas (as tests/conftest.py
# does); set before any benchmark module imports telegram.
os.environ.setdefault("PTB_TIMEDELTA", "true")
