"""Core results as Discord embeds, kept within Discord's limits."""
