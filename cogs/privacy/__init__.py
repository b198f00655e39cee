"""/privacy: what Hearth stores about me, a copy of it, and erasing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth


# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="privacy",
    title=N_("Your data"),
    summary=N_("what Hearth stores about you, a copy, erasing it"),
    details=N_(
        "`/privacy info` says what Hearth keeps about you and why; `/privacy export` gives you a copy; "
        "`/privacy delete` erases it everywhere, including messages Hearth posted for you. Only you see these"
        " answers."
    ),
    in_group=("privacy info",),
    anywhere=("privacy info",),
)


async def setup(bot: Hearth) -> None:
    from cogs.privacy.cog import PrivacyCog

    await bot.add_cog(PrivacyCog(bot))
