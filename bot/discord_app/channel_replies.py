"""One bot reply per submission message: posted the first time, edited ever after.

That is what lets a queued notice turn into the verdict, and an edited submission's new
verdict replace the old one instead of stacking up replies in the channel.
"""

from __future__ import annotations

import discord

from bot.discord_app.reply_index import ReplyIndex
from bot.discord_app.verdicts import VerdictReply


class ChannelReplies:
    def __init__(self, index: ReplyIndex | None = None) -> None:
        self.index = index or ReplyIndex()

    def editable(self, message_id: int) -> bool:
        """Whether we answered this message recently enough for an edit to be re-graded."""
        return self.index.reply_to(message_id) is not None

    async def answer(
        self,
        message: discord.Message,
        *,
        text: str | None = None,
        verdict: VerdictReply | None = None,
    ) -> discord.Message:
        embeds = [verdict.embed] if verdict else []
        view = verdict.view if verdict else discord.ui.View()  # empty: no buttons
        files = verdict.files if verdict else []
        reply_id = self.index.reply_to(message.id)
        if reply_id is not None:
            previous = message.channel.get_partial_message(reply_id)  # type: ignore[union-attr]
            try:
                edited = await previous.edit(
                    content=text, embeds=embeds, view=view, attachments=files
                )
            except discord.NotFound:
                pass  # our reply was deleted: post a new one
            else:
                self.index.remember(message.id, edited.id)
                return edited
        reply = await message.reply(
            text, embeds=embeds, view=view, files=files, mention_author=False
        )
        self.index.remember(message.id, reply.id)
        return reply
