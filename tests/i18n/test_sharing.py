"""Anonymous sharing in the member's language, through SimCord: the form, the confirmations and refusals
follow the member's Discord locale; the frame around a relayed post (its label, footer, buttons, the reply
thread's name) speaks the server's; the member's own words are relayed exactly as written."""

from __future__ import annotations

from typing import Any

import pytest
import simcord
from simcord import interactions as simcord_interactions

from bot import i18n
from cogs.sharing import texts
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.rounds.helpers import refused
from tests.support.groups import make_group

Locales = dict[int, str]


@pytest.fixture
def locales(monkeypatch: pytest.MonkeyPatch) -> Locales:
    """SimCord sends every interaction as ``en-US``; this gives chosen members their own Discord locale."""
    chosen: Locales = {}
    original = simcord_interactions.base_payload

    def with_locale(backend: Any, **kwargs: Any) -> Any:
        record, payload = original(backend, **kwargs)
        payload["locale"] = chosen.get(kwargs["user_id"], "en-US")
        return record, payload

    monkeypatch.setattr(simcord_interactions, "base_payload", with_locale)
    return chosen


def de(text: Any, *args: Any) -> str:
    with i18n.using("de"):
        return str(text(*args))


def labels(message: Any) -> list[str]:
    """Button labels, whether SimCord recorded the message as a response (dicts) or a followup."""
    found = []
    for row in message.components:
        children = row["components"] if isinstance(row, dict) else row.children
        found += [c["label"] if isinstance(c, dict) else c.label for c in children]
    return found


def last(result: simcord.InteractionResult) -> Any:
    return [m for m in (result.response, *result.followups) if m is not None][-1]


async def test_a_german_member_shares_in_german_and_the_english_server_frames_the_post_in_english(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[ann.id] = "de"
    group = await make_group(harness, guild, "Kreis", members=[ann, bob])

    shown = await ann.slash(group.channel, "share")
    assert shown.modal is not None
    assert shown.modal["title"] == "Anonym teilen in Kreis"

    empty = await ann.submit_modal(shown, {TEXT_ID: "   ", WARNING_ID: ""})
    refused(env, empty, "Dein Beitrag ist leer: schreib etwas, das du teilen möchtest, und schick ihn noch einmal.")

    shown = await ann.slash(group.channel, "share")
    result = await ann.submit_modal(shown, {TEXT_ID: "Heute war ein schwerer Tag.", WARNING_ID: ""})
    post = group.channel.last_message
    assert post is not None
    assert post.content == "Heute war ein schwerer Tag."  # her words, exactly as written
    assert post.embeds[0].title == "Anonymous member"  # the channel reads the server's English
    assert labels(post) == ["Reply anonymously", "Report"]
    confirmation = last(result)
    assert confirmation.ephemeral
    assert confirmation.content == de(texts.posted, post.jump_url, False)
    assert confirmation.content.startswith("Anonym gepostet: ")
    assert labels(confirmation) == ["Löschen"]

    sure = await ann.click(confirmation, label="Löschen")
    assert last(sure).content == de(texts.delete_sure)
    gone = await ann.click(last(sure), label="Ja, löschen")
    assert last(gone).content == "Dein anonymer Beitrag ist gelöscht. Antworten darauf bleiben in ihrem Thread."

    mine = await ann.slash(group.channel, "share", mine=True)
    assert last(mine).content == de(texts.mine_none)

    english = await bob.slash(group.channel, "share", delete="nope!")
    refused(env, english, "'nope!' is not a post code.")  # bob reads English: the catalog is per reader


async def test_a_german_server_frames_posts_and_reply_threads_in_german(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    guild = env.create_guild(preferred_locale="de")
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[bob.id] = "en-US"
    group = await make_group(harness, guild, "Kreis", members=[ann, bob])

    shown = await bob.slash(group.channel, "share")
    assert shown.modal is not None and shown.modal["title"] == "Share anonymously in Kreis"
    result = await bob.submit_modal(shown, {TEXT_ID: "Rough week.", WARNING_ID: "Trauer"})
    assert last(result).content.startswith("Posted anonymously: ")  # bob's own English
    post = group.channel.last_message
    assert post is not None
    assert post.content == "||Rough week.||"
    assert post.embeds[0].title == "Anonymes Mitglied"
    assert post.embeds[0].description == de(texts.content_warning, "Trauer")
    assert post.embeds[0].footer.text is not None
    assert post.embeds[0].footer.text.startswith("Beitrag ")
    assert labels(post) == ["Anonym antworten", "Melden"]

    locales[ann.id] = "de"
    form = await ann.click(post, label="Anonym antworten")
    assert form.modal is not None and form.modal["title"] == "Anonym antworten"
    answered = await ann.submit_modal(form, {TEXT_ID: "Ich auch.", WARNING_ID: ""})
    assert last(answered).content.startswith("Anonym gepostet: ")
    (thread,) = group.channel.threads
    assert thread.name.startswith("Anonyme Antworten · ")
    reply = thread.last_message
    assert reply is not None
    assert reply.content == "Ich auch."
    assert reply.embeds[0].title == "Anonym 1"


def test_sharing_is_guarded_against_literal_replies() -> None:
    from tests.i18n.test_converted import converted_modules

    assert "sharing" in {p.parent.name for p in converted_modules()}


async def test_when_discord_refuses_the_post_the_author_is_told_in_their_own_language(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    ann = guild.add_member(env.create_user("ann"))
    locales[ann.id] = "de"
    group = await make_group(harness, guild, "Kreis", members=[ann])
    shown = await ann.slash(group.channel, "share")
    env.inject_error("POST", f"/channels/{group.channel.id}/messages", status=500, times=5)

    result = await ann.submit_modal(shown, {TEXT_ID: "Heute war schwer.", WARNING_ID: ""})

    # The frame was built in the server's English; the refusal still speaks ann's German.
    refused(env, result, de(texts.discord_refused))
