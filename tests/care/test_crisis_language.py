"""Crisis texts in a member's language come only from the server's own reviewed text (issue 15): shipped
catalogs never translate them, and a member whose Discord language matches the server's text gets that one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from babel.messages.pofile import read_po
from simcord import interactions as simcord_interactions

from bot import i18n
from bot.errors import BadInput
from cogs.care import domain, texts
from cogs.care.models import CareConfig
from tests.care.test_behaviour import CRISIS, private
from tests.checkins.test_behaviour import check_in
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import make_group

GERMAN = (
    "Danke, dass du das aufgeschrieben hast. Es klingt, als wäre gerade vieles sehr schwer, und du musst das nicht "
    "allein tragen. Was würde dir jetzt helfen? Nur du siehst diese Nachricht."
)
GERMAN_LOW = "Danke für deinen Check-in. Heute scheint ein sehr schwerer Tag zu sein, und das darf man hier sagen."


@pytest.fixture
def locales(monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """SimCord sends every interaction as ``en-US``; this gives chosen members their own Discord locale."""
    chosen: dict[int, str] = {}
    original = simcord_interactions.base_payload

    def with_locale(backend: Any, **kwargs: Any) -> Any:
        record, payload = original(backend, **kwargs)
        payload["locale"] = chosen.get(kwargs["user_id"], "en-US")
        return record, payload

    monkeypatch.setattr(simcord_interactions, "base_payload", with_locale)
    return chosen


def said(result: simcord.InteractionResult) -> str:
    return "\n".join(m.content for m in [result.response, *result.followups] if m is not None)


async def set_text(admin: simcord.MemberActor, channel: Any, language: str, crisis: str, low: str = "") -> str:
    shown = await admin.slash(channel, "care-setup crisis-message", language=language)
    if shown.modal is None:
        return said(shown)
    return said(await admin.submit_modal(shown, {"crisis": crisis, "low": low}))


async def a_server(harness: Harness) -> tuple[simcord.MemberActor, list[simcord.MemberActor], Any, int]:
    """An admin (Manage Server), three members of a group, and its facilitator."""
    env = harness.env
    guild = env.create_guild()
    staff = guild.create_role("Staff", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("ada"), roles=[staff])
    members = [guild.add_member(env.create_user(name)) for name in ("alice", "ana", "ben")]
    lead = guild.add_member(env.create_user("fay"))
    group = await make_group(harness, guild, "Grief Circle", members=members, facilitators=[lead])
    return admin, members, group, guild.id


async def test_the_servers_own_text_reaches_members_in_its_language_and_everyone_else_reads_english(
    db_harness: Harness, locales: dict[int, str]
) -> None:
    admin, (alice, ana, ben), group, guild_id = await a_server(db_harness)
    locales[alice.id], locales[ana.id], locales[ben.id] = "de", "de", "fr"

    # German is offered first, and the admin's form saves it.
    offered = await admin.autocomplete(group.channel, "care-setup crisis-message", "language", "")
    assert offered[0]["value"] == "de"
    done = await set_text(admin, group.channel, "de", GERMAN, GERMAN_LOW)
    assert "Saved" in done and "German" in done
    setup = said(await admin.slash(group.channel, "setup"))
    assert "your own reviewed text in German (de)" in setup

    german = private(await check_in(alice, group, 2, CRISIS))
    assert german.content.startswith(GERMAN) and texts.ACKNOWLEDGE not in german.content
    assert "findahelpline" in german.content  # the helplines follow, as in English
    assert "I'd like someone here to reach out" in str(german.components)  # the same choices
    low = private(await check_in(ana, group, 1))
    assert low.content.startswith(GERMAN_LOW)
    french = private(await check_in(ben, group, 2, CRISIS))  # no French text: the English one, never a guess
    assert french.content.startswith(texts.ACKNOWLEDGE)

    # Removing it brings English back for German members too.
    assert "Removed" in await set_text(admin, group.channel, "de", "remove")
    async with db_harness.bot.db.read() as session:
        config = await session.get(CareConfig, guild_id)
        assert config is not None and config.crisis_texts == ""


async def test_wrong_crisis_texts_are_refused_clearly_and_nothing_is_saved(harness: Harness) -> None:
    admin, (alice, *_others), group, guild_id = await a_server(harness)
    channel = group.channel

    assert "isn't one of Discord's languages" in said(
        await admin.slash(channel, "care-setup crisis-message", language="xx")
    )
    with pytest.raises(BadInput, match="keep it to 600"):  # the form itself stops at 600; checked again here
        domain.clean_crisis_text("Hallo " * 101, "")
    assert "https://" in await set_text(admin, channel, "de", "Ruf an: javascript:alert(1)")
    assert "can't mention" in await set_text(admin, channel, "de", "Hallo @everyone")
    guild = simcord.GuildHandle(harness.env, harness.env.backend.get_guild(guild_id))
    allow(harness.env, guild, "care-setup", guild.default_role)  # shown to everyone: the tree still refuses
    refused = await alice.slash(channel, "care-setup crisis-message", language="de")
    assert refused.modal is None and "Only server admins" in said(refused)
    async with harness.bot.db.read() as session:
        config = await session.get(CareConfig, guild_id)
        assert config is None or config.crisis_texts == ""
    assert harness.env.errors  # the expected refusals, acknowledged


def care_texts() -> set[str]:
    """Every string constant in care's texts module: the crisis and care wording (formatted or not)."""
    tree = ast.parse(Path(texts.__file__).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.add(node.value.value)
    return found


def test_no_shipped_catalog_translates_a_crisis_or_care_text() -> None:
    """An unreviewed crisis translation can harm: only a server's own reviewed text may stand in for English."""
    ours = care_texts()
    assert texts.ACKNOWLEDGE in ours and texts.NOBODY_FREE in ours and len(ours) > 20
    for language in i18n.shipped()[1:]:
        path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / "hearth.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            translated = any(strings)
            # /concern's conversation (cogs/care/concern*.py) is not crisis wording and is translated (issue 15).
            from_care = any(
                where.startswith("cogs/care/") and not where.startswith("cogs/care/concern")
                for where, _line in message.locations
            )
            assert not (translated and (msgid in ours or from_care)), f"{language} translates a care text: {msgid!r}"
