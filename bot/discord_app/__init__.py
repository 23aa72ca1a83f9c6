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
- `moderators`  who may moderate (Manage Server or the guild's moderator role), checked by
  the bot on every moderator command; `confirm` the Confirm/Cancel prompt;
  `leaderboard_pager` the paged leaderboard; `tutor_settings` what `/tutor config` does;
  `export_file` the CSV export as an attachment that fits
- `prompts`   in-memory prompts (leaderboard pages, Confirm) whose buttons carry the bot's
  session id, so a press from before a restart is answered (`cogs/stale_prompts.py`);
  Submit form answers are read from the interaction (`modals`, `cogs/submit_form.py`)

Extension points for other cogs (no edits here needed):
- a new module in `cogs/` with `async def setup(bot)` is loaded automatically;
- `bot.verdict_decorators.append(fn)` adds files (e.g. a loss plot) to every verdict;
- `on_tutor_submission_graded(graded: GradedSubmission)` is dispatched after each verdict.
"""
