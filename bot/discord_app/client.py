"""What front-end helpers may use of the bot, as a protocol in a leaf module.

Buttons, forms and helpers get the bot from `interaction.client`; typing against this
protocol (not the concrete `TutorBot`) keeps them free of imports of the bot's module, which
is what used to tie the front end into an import loop.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar, runtime_checkable

import discord

from bot.core import TutorCore
from bot.discord_app.events import VerdictDecorator

T = TypeVar("T")


class ButtonAction(enum.Enum):
    """The lesson and verdict buttons' actions (see buttons.py), each owned by a feature."""

    SUBMIT = "submit"
    HINT = "hint"
    NEXT = "next"


# What a press does: (the interaction, the lesson id, or None for Next).
PressHandler = Callable[[discord.Interaction, str | None], Awaitable[None]]


@runtime_checkable
class TutorClient(Protocol):
    @property
    def core(self) -> TutorCore: ...

    @property
    def user(self) -> discord.ClientUser | None: ...

    session: str  # stamped on in-memory prompts' buttons (see prompts.py)
    verdict_decorators: list[VerdictDecorator]
    # What the Submit, Hint and Next buttons do, registered by the features that own them.
    button_actions: dict[ButtonAction, PressHandler]

    async def tracked(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a grading so that shutdown waits for it to be delivered."""
        ...

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None: ...


def tutor_client(interaction: discord.Interaction) -> TutorClient:
    """The bot behind an interaction; TypeError for any other client (a wiring mistake)."""
    client = interaction.client
    if not isinstance(client, TutorClient):
        raise TypeError(f"{type(client).__name__} is not the tutor bot")
    return client
