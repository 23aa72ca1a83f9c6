"""Grading leases: at most one grading per learner at a time, across every process on the
database. A row per learner being graded; a lease past its expiry may be taken over."""

from __future__ import annotations

from bot.store.base import StoreBase


class Leases(StoreBase):
    async def claim_grading(self, scope: str, user_id: str, holder: str, lease_s: float) -> bool:
        """Take the learner's grading lease for `holder`; False while another holds it."""
        now = self._clock()
        async with self.conn.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO grading_leases (scope, user_id, holder, expires_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (scope, user_id) DO UPDATE SET"
                " holder = excluded.holder, expires_at = excluded.expires_at"
                " WHERE grading_leases.expires_at <= ? RETURNING holder",
                (scope, user_id, holder, now + lease_s, now),
            )
        return row is not None

    async def release_grading(self, scope: str, user_id: str, holder: str) -> None:
        """Give the lease back; a lease another holder took over meanwhile is left alone."""
        async with self.conn.transaction() as tx:
            await tx.execute(
                "DELETE FROM grading_leases WHERE scope = ? AND user_id = ? AND holder = ?",
                (scope, user_id, holder),
            )
