"""Course tools for moderators: `/tutor learner|reset|unlock|export|stats|audit` and the
`/tutor config` commands (carried out by `cogs.settings.actions`).

- `commands`         the `/tutor` group
- `confirm`          the Confirm/Cancel prompt before resets and unlocks
- `export_file`      the CSV export as an attachment that fits
- `rendering`, `audit_rendering`  a learner's record, the funnel and the audit log as embeds
"""

from __future__ import annotations

from bot.discord_app.bot import TutorBot
from cogs.moderation.commands import ModerationCog


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(ModerationCog(bot))
