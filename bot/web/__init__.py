"""The moderators' web dashboard: one community per session, opened by a one-time link.

:mod:`~bot.web.links` issues and redeems the sign-in links, :mod:`~bot.web.charts` draws the
charts as inline SVG, :mod:`~bot.web.app` is the Starlette application (server-rendered
``templates/web`` pages), :mod:`~bot.web.server` serves it with uvicorn in the bot's loop.
"""
