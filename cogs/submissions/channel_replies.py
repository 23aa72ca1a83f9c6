"""One bot reply per submission message: posted the first time, edited ever after.

That is what lets a queued notice turn into the verdict, and an edited submission's new
verdict replace the old one instead of stacking up replies in the channel.

Delivery never raises: a channel the bot may not post in sends the answer to the learner by
DM instead (saying what permission is missing). So does a channel where it may post but not
embed links: Discord would deliver the verdict with its embed silently removed. A submission
deleted before its verdict was ready gets no reply (the attempt is still recorded); anything
else is logged.
"""

from __future__ import annotations

import logging

import discord

from cogs.submissions.reply_index import ReplyIndex
from cogs.submissions.verdicts import VerdictReply

log = logging.getLogger(__name__)

CANNOT_POST = (
    "I can't post in {channel}: a moderator needs to give me Send Messages, Embed Links, "
    "Attach Files and Read Message History there. Here is my answer to the code you posted:"
)


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
    ) -> discord.Message | None:
        """The reply (new or edited), the DM sent instead, or None when nothing could be sent."""
        if verdict is not None and not _can_embed(message):
            return await self._by_dm(message, text, verdict)
        try:
            return await self._in_channel(message, text, verdict)
        except discord.Forbidden:
            return await self._by_dm(message, text, verdict)
        except discord.HTTPException as error:
            if error.status == 400 and "message_reference" in error.text:
                log.info("submission %s was deleted before its answer was sent", message.id)
            else:
                log.warning("could not answer submission %s: %s", message.id, error)
            return None

    async def _in_channel(
        self, message: discord.Message, text: str | None, verdict: VerdictReply | None
    ) -> discord.Message:
        embeds = [verdict.embed] if verdict else []
        view = verdict.view if verdict else discord.ui.View()  # empty: no buttons
        reply_id = self.index.reply_to(message.id)
        if reply_id is not None:
            previous = message.channel.get_partial_message(reply_id)  # type: ignore[union-attr]
            try:
                edited = await previous.edit(
                    content=text, embeds=embeds, view=view, attachments=_files(verdict)
                )
            except discord.NotFound:
                pass  # our reply was deleted: post a new one
            else:
                self.index.remember(message.id, edited.id)
                return edited
        reply = await message.reply(
            text, embeds=embeds, view=view, files=_files(verdict), mention_author=False
        )
        self.index.remember(message.id, reply.id)
        return reply

    async def _by_dm(
        self, message: discord.Message, text: str | None, verdict: VerdictReply | None
    ) -> discord.Message | None:
        where = getattr(message.channel, "mention", "that channel")
        intro = CANNOT_POST.format(channel=where)
        content = f"{intro}\n{text}" if text else intro
        try:
            # No buttons: pressed in a DM they would act on the learner's DM progress, not
            # this server's.
            return await message.author.send(
                content, embeds=[verdict.embed] if verdict else [], files=_files(verdict)
            )
        except discord.HTTPException as error:  # DMs closed, or Discord refused it
            log.warning(
                "could not answer submission %s in its channel or by DM: %s", message.id, error
            )
            return None


def _can_embed(message: discord.Message) -> bool:
    if message.guild is None:
        return True  # DMs: always allowed
    me, channel = message.guild.me, message.channel
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return True  # nothing cached to check against: try, and learn from Discord's answer
    return channel.permissions_for(me).embed_links


def _files(verdict: VerdictReply | None) -> list[discord.File]:
    """The verdict's files, rewound: an attempt that failed may already have read them."""
    if verdict is None:
        return []
    for file in verdict.files:
        file.reset()
    return verdict.files
