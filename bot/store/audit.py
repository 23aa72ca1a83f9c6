"""The audit log: every moderator action with who, what and when (migration 0004)."""

from __future__ import annotations

import aiosqlite

from bot.store.connection import Connection
from bot.store.records import AuditEntry

_COLUMNS = "id, scope, actor, action, user_id, lesson_id, detail, created_at"


async def write(
    db: aiosqlite.Connection,
    *,
    scope: str,
    actor: str,
    action: str,
    now: float,
    user_id: str | None = None,
    lesson_id: str | None = None,
    detail: str = "",
) -> None:
    """Inside the caller's transaction, so the action and its entry commit together."""
    await db.execute(
        "INSERT INTO audit_log (scope, actor, action, user_id, lesson_id, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (scope, actor, action, user_id, lesson_id, detail, now),
    )


async def recent(
    conn: Connection, scope: str, limit: int, user_id: str | None = None
) -> list[AuditEntry]:
    """Newest first; only actions on `user_id` when given."""
    sql = f"SELECT {_COLUMNS} FROM audit_log WHERE scope = ?"
    params: list[object] = [scope]
    if user_id is not None:
        sql += " AND user_id = ?"
        params.append(user_id)
    rows = await conn.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, max(0, limit)))
    return [AuditEntry(*row) for row in rows]
