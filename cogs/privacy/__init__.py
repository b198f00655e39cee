"""/privacy: what Hearth stores about me, a copy of it, and erasing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    from cogs.privacy.cog import PrivacyCog

    await bot.add_cog(PrivacyCog(bot))
