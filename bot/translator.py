"""The Discord side of ``bot/i18n.py``: command names and descriptions through discord.py's
``app_commands.Translator``, and every interaction's language bound before any feature code runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot import i18n

_NAMES = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
}


class HearthTranslator(app_commands.Translator):
    """discord.py asks it for every name, description and choice of the tree at sync; a string the
    catalog lacks stays English (``None``)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        menu = isinstance(context.data, app_commands.ContextMenu)
        return translate(string.message, locale.value, context.location, menu=menu)


def translate(
    message: str, locale: str, location: app_commands.TranslationContextLocation, *, menu: bool = False
) -> str | None:
    language = i18n.resolve(locale)
    if language == i18n.SOURCE_LANGUAGE:
        return None  # English, or no catalog for this locale: Discord shows the default
    catalog = i18n.translations(language)
    if menu and location is app_commands.TranslationContextLocation.command_name:
        translated = catalog.pgettext(i18n.MENU_NAME, message)
    elif location in _NAMES:
        translated = catalog.pgettext(i18n.COMMAND_NAME, message)
    elif location is app_commands.TranslationContextLocation.choice_name:
        translated = catalog.pgettext(i18n.CHOICE_NAME, message)
    else:
        translated = catalog.gettext(message)
    return translated if translated != message else None


def interaction_language(data: dict[str, Any], guild_locale: str | None = None) -> str:
    """The member's locale, else the server's, else English."""
    return i18n.resolve(data.get("locale"), guild_locale or data.get("guild_locale"))


def install(client: discord.Client) -> None:
    """Bind each interaction's language while discord.py parses it: the tasks it starts for commands,
    buttons and forms copy the binding, so every reply (and every error) speaks it."""
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    original = parsers["INTERACTION_CREATE"]
    if getattr(original, "hearth_i18n", False):
        return

    def parse_interaction_create(data: Any) -> None:
        guild_id = data.get("guild_id")
        guild = client.get_guild(int(guild_id)) if guild_id else None
        server = str(guild.preferred_locale) if guild is not None else None
        with i18n.using(interaction_language(data, server)):
            original(data)

    parse_interaction_create.hearth_i18n = True  # type: ignore[attr-defined]
    parsers["INTERACTION_CREATE"] = parse_interaction_create


def server_language(client: discord.Client, guild_id: int | None) -> str:
    """The language of messages to a server's channels: its preferred locale (Community setting)."""
    guild = client.get_guild(guild_id) if guild_id else None
    return i18n.resolve(str(guild.preferred_locale) if guild is not None else None)
