"""Developer tools for themabot, kept out of the bot itself.

* :mod:`devtools.standin`: a stand-in for the Telegram Bot API, in memory and over HTTP.
* :mod:`devtools.chat`: :class:`~devtools.chat.ChatUser`, the one chat driver the tests, the
  benchmarks and the demo use, over either transport in :mod:`devtools.transports`.
"""
