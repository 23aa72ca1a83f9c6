"""Messages the bot creates and edits, stored as Discord would return them."""

from __future__ import annotations

from typing import Any

from tests.discord_emulator import payloads
from tests.discord_emulator.state import EmulatorState, Json

EMPTY: dict[str, Any] = {"content": "", "embeds": [], "components": [], "flags": 0}


def create(
    state: EmulatorState,
    channel_id: int,
    body: Json,
    files: list[Json],
    *,
    reference: int | None = None,
) -> Json:
    guild = state.guild_of_channel(channel_id)
    message = payloads.message(
        state.ids.next(),
        channel_id,
        state.bot_user,
        body.get("content") or "",
        guild_id=None if guild is None else guild.id,
        embeds=body.get("embeds"),
        components=body.get("components"),
        reference=reference,
        flags=int(body.get("flags") or 0),
    )
    message["attachments"] = [attachment(state, f) for f in files]
    message["allowed_mentions"] = body.get("allowed_mentions")
    state.messages[int(message["id"])] = message
    return message


def edit(state: EmulatorState, message: Json, body: Json, files: list[Json]) -> None:
    for key, empty in EMPTY.items():
        if key in body:  # present but null clears the field, as on Discord
            message[key] = body[key] if body[key] is not None else empty
    if files or "attachments" in body:
        message["attachments"] = [attachment(state, f) for f in files]
    if "allowed_mentions" in body:
        message["allowed_mentions"] = body["allowed_mentions"]
    message["edited_timestamp"] = payloads.now()


def attachment(state: EmulatorState, file: Json) -> Json:
    attachment_id = state.ids.next()
    url = f"https://cdn.emulator.invalid/attachments/{attachment_id}/{file['filename']}"
    return {
        "id": str(attachment_id),
        "filename": file["filename"],
        "size": len(file["data"]),
        "url": url,
        "proxy_url": url,
        "data": file["data"].hex(),  # not Discord's: lets tests inspect what was uploaded
    }
