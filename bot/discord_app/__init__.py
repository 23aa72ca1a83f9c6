"""What every Discord feature shares: the bot class, its runtime, the error path and
message splitting. The features themselves are packages in `cogs/`.

Map:
- `runtime`   opens the store, sandbox pool and core, builds the bot, closes all on exit
- `bot`       TutorBot: dependencies in the constructor, cogs loaded in `setup_hook`
- `client`    TutorClient, the protocol helpers type against (not the bot class), and the
              button actions features register
- `tree`, `errors`  the single error path (CommandTree.on_error and `reply_with_error`)
- `rendering/`  Discord's limits, message splitting, text helpers
- `buttons`   Submit/Hint/Next under lessons and verdicts: a press routes to the feature
              that registered the action (`cogs/lessons`, `cogs/submissions`)
- `events`    contracts between features: verdict decorators and the graded event
- `learners`  a Discord user in a guild or DM as a core Learner
- `moderators`  who may moderate (Manage Server or the guild's moderator role), checked by
  the bot on every moderator command
- `prompts`   in-memory prompts (leaderboard pages, Confirm) whose buttons carry the bot's
  session id, so a press from before a restart is answered (`cogs/stale_prompts.py`)
- `endpoints` points discord.py at DISCORD_API_BASE / DISCORD_GATEWAY_URL; `syncing`
  registers the commands; `stopping` the bounded stop on SIGINT/SIGTERM

Extension points for other cogs (no edits here needed):
- a new module or package in `cogs/` with `async def setup(bot)` is loaded automatically;
- `bot.verdict_decorators.append(fn)` adds files (e.g. a loss plot) to every verdict;
- `on_tutor_submission_graded(graded: GradedSubmission)` is dispatched after each verdict.
"""
