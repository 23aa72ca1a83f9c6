"""The policy layer's own refusals: the only exceptions that make a run `rejected`.

Learner code can never name or construct these classes (`type()` hands out a stand-in for
them), so a `rejected` verdict always means the policy itself said no.
"""

from __future__ import annotations


class SandboxRestriction(Exception):
    """Raised when learner code asks for something the sandbox does not offer."""


class AttributeRefused(SandboxRestriction, AttributeError):
    """A policy refusal that `except AttributeError` code would also expect."""


class ItemRefused(SandboxRestriction, KeyError):
    """A refused item key; `except KeyError` code would also expect it."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class ImportRefused(SandboxRestriction, ImportError):
    """An import outside the allowlist."""
