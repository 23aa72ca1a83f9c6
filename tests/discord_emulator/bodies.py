"""Reading request bodies and writing responses the way discord.py expects them.

Responses carry `Content-Type: application/json` exactly: discord.py parses a body as JSON
only then (aiohttp's json_response would add "; charset=utf-8").
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from tests.discord_emulator.state import Json


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def error(status: int, message: str, code: int = 0) -> web.Response:
    return ok({"message": message, "code": code}, status=status)


def invalid_form_body(problems: list[str]) -> web.Response:
    """Discord's shape: errors keyed by field, each with `_errors` (discord.py flattens them)."""
    errors: Json = {}
    for problem in problems:
        where, _, message = problem.partition(": ")
        errors.setdefault(where, {"_errors": []})["_errors"].append(
            {"code": "BASE_TYPE_BAD_LENGTH", "message": message}
        )
    return ok({"message": "Invalid Form Body", "code": 50035, "errors": errors}, status=400)


def unknown_reference() -> web.Response:
    """A reply to a message that no longer exists (unless `fail_if_not_exists` is false)."""
    unknown = {"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}
    errors = {"message_reference": {"_errors": [unknown]}}
    return ok({"message": "Invalid Form Body", "code": 50035, "errors": errors}, status=400)


def missing_permissions() -> web.Response:
    return error(403, "Missing Permissions", 50013)


def cannot_message_user() -> web.Response:
    return error(403, "Cannot send messages to this user", 50007)


def unknown_message() -> web.Response:
    return error(404, "Unknown Message", 10008)


def no_content() -> web.Response:
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Json, list[Json]]:
    """The JSON payload and any uploaded files (multipart with payload_json, like discord.py)."""
    if not request.can_read_body:
        return {}, []
    if not request.content_type.startswith("multipart/"):
        return await request.json(), []
    body: Json = {}
    files: list[Json] = []
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        else:
            files.append({"filename": part.filename, "data": bytes(data)})
    return body, files
