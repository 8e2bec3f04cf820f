"""The bots themabot's load benchmark compares with: what a user would otherwise run.

Each is a small standalone script, as the framework's documentation teaches it, asking the
intake of ``benchmarks/intake.toml``: ``/start ANYTHING``, then its six questions, each answer
answered with the next question. Neither is durable; both are here to be measured against.

* :mod:`benchmarks.references.ptb_bot`: python-telegram-bot, ``ConversationHandler`` with
  ``PicklePersistence``, updates handled one at a time (PTB's default).
* :mod:`benchmarks.references.aiogram_bot`: aiogram 3, FSM in ``MemoryStorage``, updates
  handled as concurrent tasks (its default polling).
"""
