"""Groups, /setup, /help and the shared refusals of ``bot/`` in the member's language, through SimCord: a
German member reads German (each reply checked against the catalog), a member whose locale Hearth has
no catalog for reads the server's language, and counts use real plurals in both languages."""

from __future__ import annotations

from typing import Any

import pytest
import simcord

from bot import i18n
from bot import texts as bot_texts
from cogs.groups import setup_texts
from cogs.groups import texts as groups_texts
from cogs.help import texts as help_texts
from tests.conftest import Harness
from tests.groups.support import refused, said, server
from tests.i18n.test_behaviour import SimcordLocale, in_language, locales  # noqa: F401 (a fixture)
from tests.support.commands import allow


def german(text: Any, *args: Any, **kwargs: Any) -> str:
    return in_language("de", lambda: text(*args, **kwargs))


async def test_a_german_member_joins_accepts_and_reads_groups_in_german(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    s = await server(env)
    locales[s.mia.id] = "de"
    created = await s.fran.slash(
        s.general, "facilitate group create", name="Caregivers", description="Caring for someone"
    )
    assert "Created the public group **Caregivers**" in said(created)  # fran reads English

    listed = await s.mia.slash(s.general, "group list")
    assert said(listed).startswith("**Gruppen** — beitreten mit </group join:")
    assert "• **Caregivers** (öffentlich, 0 Mitglieder) — Caring for someone" in said(listed)

    joined = await s.mia.slash(s.general, "group join", group="Caregivers")
    text = said(joined)
    assert text.startswith(german(groups_texts.joined, "Caregivers"))
    assert text.startswith("Du bist **Caregivers** beigetreten. Noch ein Schritt:")
    assert "**Richtlinien von Caregivers** (Version 1)" in text
    assert "**Willkommen bei Caregivers.** Was hier passiert:" in text
    assert "**Gesprächsrunden:** Drück in einer Runde **Anstellen**" in text

    accepted = await s.mia.click(joined.response.message, label="Ich nehme an")
    assert said(accepted) == german(groups_texts.accepted, "Caregivers", 1, new=True)

    again = await s.mia.slash(s.general, "group join", group="Caregivers")
    refused(env, again, "Du bist schon Mitglied von **Caregivers**.")

    info = (await s.mia.slash(s.general, "group info", group="Caregivers")).response
    assert info is not None
    assert info.content.splitlines()[:3] == ["**Caregivers** — öffentlich", "Caring for someone", "Mitglieder: 1"]
    assert "Du bist Mitglied." in info.content

    left = await s.mia.slash(s.general, "group leave", group="Caregivers")
    assert said(left) == "Du hast **Caregivers** verlassen."

    # The command tree's own refusal and a domain rule's refusal, both in German.
    allow(env, s.guild, "facilitate", s.guild.default_role)  # shown to everyone: the tree still refuses members
    create = await s.mia.slash(s.general, "facilitate group create", name="Mine")
    refused(env, create, german(bot_texts.audience_refusal, "facilitators"))
    assert said(create).startswith("Das kann nur die Gruppenbegleitung. </help:")
    locales[s.fran.id] = "de"
    short = await s.fran.slash(s.general, "facilitate group create", name="x")
    refused(env, short, "Ein Gruppenname braucht mindestens 2 Zeichen; „x“ ist zu kurz.")


async def test_a_german_admin_reads_setup_and_its_checklist_in_german(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    s = await server(env)
    locales[s.admin.id] = "de"

    shown = await s.admin.slash(s.general, "setup")
    text = said(shown)
    assert text.startswith(german(setup_texts.setup_header, s.guild.name))
    assert "• Rolle der Gruppenbegleitung: <@&" in text
    assert "• Standard-Zeitzone: UTC (Voreinstellung)" in text
    assert "**Hearth-Einrichtungscheckliste für" in text
    assert "Prüf jederzeit erneut mit </setup:" in text

    wrong = await s.admin.slash(s.general, "setup", timezone="Nowhere/Atlantis")
    refused(env, wrong, "„Nowhere/Atlantis“ ist keine Zeitzone, die ich kenne")

    saved = await s.admin.slash(s.general, "setup", timezone="Europe/Berlin")
    assert said(saved).startswith("Gespeichert.\n**Hearth-Einrichtung für")
    assert "• Standard-Zeitzone: Europe/Berlin" in said(saved)


async def test_help_speaks_german_to_a_german_member_and_the_servers_language_to_an_unknown_locale(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    s = await server(env)  # the server's language: SimCord's default, English
    locales[s.mia.id] = "de"
    locales[s.ben.id] = "fr"  # no French catalog: English, never an error
    created = await s.fran.slash(s.general, "facilitate group create", name="Circle")
    assert "Created" in said(created)
    for person in (s.mia, s.ben):
        joined = await person.slash(s.general, "group join", group="Circle")
        await person.click(joined.response.message, label="Ich nehme an" if person is s.mia else "I accept")
    channel = s.guild.channels["circle"]

    mine = said(await s.mia.slash(channel, "help"))
    assert mine.startswith("**In Circle** kannst du:")
    # A converted feature's description comes from the catalog; mentions stay clickable.
    status = "See the round in this channel (facilitators also see balance)"
    assert german(i18n._, status) != status
    assert f" — {german(i18n._, status)}" in mine and "</round status:" in mine
    assert "Mehr über einen Teil von Hearth: </help:" in mine

    topic = said(await s.mia.slash(channel, "help", topic="groups"))
    assert topic.startswith("**Selbsthilfegruppen** — eine Gruppe finden, beitreten, ihre Richtlinien annehmen")
    assert "Server-Admins nutzen </setup:" in topic  # `/setup` written in the topic became clickable

    unknown = await s.mia.slash(channel, "help", topic="zauberei")
    refused(env, unknown, "Ich habe kein Hilfethema namens „zauberei“.")

    english = said(await s.ben.slash(channel, "help"))
    assert english.startswith("**In Circle** you can:")
    assert f" — {status}" in english and "Mehr über" not in english  # nothing German leaked in


async def test_help_in_a_dm_follows_the_members_locale(
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    user = env.create_user("dana")
    locales[user.id] = "de"

    result = await user.slash("help")

    assert result.ephemeral and said(result) == german(help_texts.in_dm)
    assert said(result).startswith("Hearth funktioniert auf deinem Server")


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 0, "Updated who can see 0 private group channels."),
        ("en", 1, "Updated who can see 1 private group channel."),
        ("en", 2, "Updated who can see 2 private group channels."),
        ("en", 5, "Updated who can see 5 private group channels."),
        ("de", 0, "Angepasst, wer 0 Kanäle privater Gruppen sehen kann."),
        ("de", 1, "Angepasst, wer 1 Kanal einer privaten Gruppe sehen kann."),
        ("de", 2, "Angepasst, wer 2 Kanäle privater Gruppen sehen kann."),
        ("de", 5, "Angepasst, wer 5 Kanäle privater Gruppen sehen kann."),
    ],
)
def test_group_counts_use_each_languages_plural_rule(language: str, n: int, expected: str) -> None:
    assert in_language(language, setup_texts.private_channels_updated, n) == expected


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "Slow down a little: try again in 1 second."),
        ("en", 5, "Slow down a little: try again in 5 seconds."),
        ("de", 1, "Mach ein bisschen langsamer: versuch es in 1 Sekunde noch einmal."),
        ("de", 2, "Mach ein bisschen langsamer: versuch es in 2 Sekunden noch einmal."),
    ],
)
def test_shared_errors_use_each_languages_plural_rule(language: str, n: int, expected: str) -> None:
    assert in_language(language, bot_texts.cooldown, n) == expected
