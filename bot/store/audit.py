"""The audit log: every moderator action with who, what and when (migration 0004)."""

from __future__ import annotations

from bot.store.base import StoreBase
from bot.store.database import Tx
from bot.store.records import AuditEntry

_COLUMNS = "id, scope, actor, action, user_id, lesson_id, detail, created_at"


class AuditLog(StoreBase):
    async def audit_log(
        self, scope: str, limit: int = 50, user_id: str | None = None
    ) -> list[AuditEntry]:
        """Moderator actions, newest first; only actions on `user_id` when given."""
        sql = f"SELECT {_COLUMNS} FROM audit_log WHERE scope = ?"
        params: list[object] = [scope]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        rows = await self.conn.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, max(0, limit)))
        return [AuditEntry(*row) for row in rows]


async def write(
    tx: Tx,
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
    await tx.execute(
        "INSERT INTO audit_log (scope, actor, action, user_id, lesson_id, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (scope, actor, action, user_id, lesson_id, detail, now),
    )
