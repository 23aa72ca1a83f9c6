"""The Discord front end: the bot class, its command tree, and rendering for Discord.

Thin over the tutor core: everything here turns Discord events into core calls and core
results into embeds, buttons and modals.
"""
