"""Developer tools for themabot, shipped apart from the bot (distribution themabot-devtools).

* :mod:`devtools.standin`: a stand-in for the Telegram Bot API, in memory and over HTTP.
* :mod:`devtools.chat`: :class:`~devtools.chat.ChatUser`, the one chat driver the tests, the
  benchmarks and the demo use, over either transport in :mod:`devtools.transports`.
* :mod:`devtools.demo`: ``themabot demo``, the real bot polling the stand-in, offline.
"""
