"""Hearth: a Discord bot for peer-support groups."""
