"""The Discord front end: the bot class, its command tree, and rendering for Discord.

Thin over the tutor core: everything here turns Discord events into core calls and core
results into embeds, buttons and modals. The slash commands and listeners are in `cogs/`.

Map:
- `runtime`   opens the store, sandbox pool and core, builds the bot, closes all on exit
- `bot`       TutorBot: dependencies in the constructor, cogs loaded in `setup_hook`
- `tree`, `errors`  the single error path (CommandTree.on_error and `reply_with_error`)
- `rendering/`  lessons, verdicts, progress as embeds within Discord's limits
- `buttons`, `modals`, `replies`, `submitting`, `channel_replies`  the learner's UI
- `endpoints` points discord.py at DISCORD_API_BASE / DISCORD_GATEWAY_URL

Extension points for other cogs (no edits here needed):
- a new module in `cogs/` with `async def setup(bot)` is loaded automatically;
- `bot.verdict_decorators.append(fn)` adds files (e.g. a loss plot) to every verdict;
- `on_tutor_submission_graded(graded: GradedSubmission)` is dispatched after each verdict.
"""
