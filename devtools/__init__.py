"""Developer tools for themabot, kept out of the bot itself.

* :mod:`devtools.standin`: a stand-in for the Telegram Bot API, in memory and over HTTP.
"""
