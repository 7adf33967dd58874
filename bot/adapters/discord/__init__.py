"""The Discord adapter: slash commands, buttons and a message context menu (discord.py).

Members: ``/guide``, ``/ask``, ``/language``, ``/situations``, ``/reminders`` and the
"Answer with the guide" menu. Moderators: ``/pin``, ``/pins list|remove|refresh`` (Pin
Messages) and ``/mod language|note|notes|remove-note|stats|log`` (Manage Server); see
:mod:`bot.adapters.discord.moderation`.

Start it with :func:`bot.adapters.discord.run.run_discord`; register its commands with
``sellerbot discord sync [--guild ID]``.
"""
