"""The Telegram adapter: python-telegram-bot wiring and conversion, nothing else.

Updates become :class:`~bot.assistant.Assistant` calls; the :class:`~bot.core.answer.Answer`
values that come back become HTML messages with inline keyboards. The core never imports
``telegram``.
"""

PLATFORM = "telegram"
