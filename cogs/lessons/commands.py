"""`/lesson next|current|list|show|hint|solution|submit`: the course, one slash command each,
and what the Hint and Next buttons under lessons and verdicts do.

Answers are private (ephemeral), so a busy lesson channel is not flooded with lessons.
Errors are not caught here: they reach the tree's `on_error`, the single error path.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.bot import TutorBot
from bot.discord_app.client import ButtonAction
from bot.discord_app.learners import learner_for
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import code_block, lesson_title, truncate
from cogs.lessons.rendering import lesson_list_embed
from cogs.lessons.replies import COURSE_COMPLETE, send_hint, send_lesson
from cogs.submissions.modal import open_submit_form

LESSON_OPTION = "A lesson you have unlocked: its number or id"


class LessonCog(commands.GroupCog, group_name="lesson", group_description="The course"):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.button_actions[ButtonAction.HINT] = self.hint_pressed
        self.bot.button_actions[ButtonAction.NEXT] = self.next_pressed

    async def cog_unload(self) -> None:
        self.bot.button_actions.pop(ButtonAction.HINT, None)
        self.bot.button_actions.pop(ButtonAction.NEXT, None)

    async def hint_pressed(self, interaction: discord.Interaction, lesson_id: str | None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_hint(interaction, await self.bot.core.hint(learner, lesson_id))

    async def next_pressed(self, interaction: discord.Interaction, _: str | None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_lesson(interaction, await self.bot.core.next_lesson(learner))

    @app_commands.command(name="next", description="Open the next lesson you have not passed")
    async def next_(self, interaction: discord.Interaction) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_lesson(interaction, await self.bot.core.next_lesson(learner))

    @app_commands.command(description="Show the lesson you are working on")
    async def current(self, interaction: discord.Interaction) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_lesson(interaction, await self.bot.core.current_lesson(learner))

    @app_commands.command(name="list", description="Every lesson, with what you have unlocked")
    async def list_(self, interaction: discord.Interaction) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        statuses = await self.bot.core.list_lessons(learner)
        await interaction.response.send_message(embed=lesson_list_embed(statuses), ephemeral=True)

    @app_commands.command(description="Open a lesson you have unlocked")
    @app_commands.describe(lesson=LESSON_OPTION)
    async def show(self, interaction: discord.Interaction, lesson: str) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_lesson(interaction, await self.bot.core.show_lesson(learner, lesson))

    @app_commands.command(description="A hint for your current lesson; ask again for more")
    @app_commands.describe(lesson=LESSON_OPTION)
    async def hint(self, interaction: discord.Interaction, lesson: str | None = None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        await send_hint(interaction, await self.bot.core.hint(learner, lesson))

    @app_commands.command(description="The reference solution, once you have earned it")
    @app_commands.describe(lesson=LESSON_OPTION)
    async def solution(self, interaction: discord.Interaction, lesson: str | None = None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        shown = await self.bot.core.solution_view(learner, lesson)
        title = f"Reference solution · {lesson_title(shown.lesson)}"
        embed = discord.Embed(
            title=truncate(title, limits.EMBED_TITLE),
            colour=discord.Colour.dark_green(),
            description=code_block(shown.code, limits.EMBED_DESCRIPTION),
        )
        embed.set_footer(text="Read it, then try writing it again yourself without looking.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(description="Submit code for a lesson in a form")
    @app_commands.describe(lesson=LESSON_OPTION)
    async def submit(self, interaction: discord.Interaction, lesson: str | None = None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        core = self.bot.core
        view = await (core.show_lesson(learner, lesson) if lesson else core.current_lesson(learner))
        if view.lesson is None:
            await interaction.response.send_message(COURSE_COMPLETE, ephemeral=True)
            return
        await open_submit_form(interaction, view.lesson)

    @show.autocomplete("lesson")
    @hint.autocomplete("lesson")
    @solution.autocomplete("lesson")
    @submit.autocomplete("lesson")
    async def unlocked_lessons(
        self, interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        learner = learner_for(interaction.user, interaction.guild)
        typed = typed.strip().lower()
        choices = []
        for status in await self.bot.core.list_lessons(learner):
            lesson = status.lesson
            name = f"{lesson.number}. {lesson.title}" + (" ✅" if status.completed else "")
            if status.unlocked and (typed in name.lower() or typed in lesson.id):
                choices.append(
                    app_commands.Choice(name=truncate(name, limits.CHOICE_NAME), value=lesson.id)
                )
        return choices[: limits.AUTOCOMPLETE_CHOICES]
