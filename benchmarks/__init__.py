"""Benchmarks: themabot's hot paths side by side with an honest reference, as ratios.

Run ``make bench`` (``python -m benchmarks`` from the repository root; ``--quick`` for a smoke
run, ``--json`` for machine-readable results). Each benchmark interleaves our code and its
reference round by round and reports medians and their ratio (:mod:`benchmarks.measure`):

- :mod:`benchmarks.answering`: a text answer through the real Application vs a bare PTB bot.
- :mod:`benchmarks.overview_export`: the overview built and rendered per format vs a JSON dump.
- :mod:`benchmarks.store_writes`: ``save_answer`` in its guarded transaction vs INSERT + commit.

Timing lives here and only here: the test-suite never asserts on speed.
"""

import os

# PTB 22 warns when it builds RetryAfter unless told to use timedeltas (as tests/conftest.py
# does); set before any benchmark module imports telegram.
os.environ.setdefault("PTB_TIMEDELTA", "true")
