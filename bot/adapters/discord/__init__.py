"""The Discord adapter: slash commands, buttons and a message context menu (discord.py).

Start it with :func:`bot.adapters.discord.run.run_discord`; register its commands with
``sellerbot discord sync [--guild ID]``.
"""
