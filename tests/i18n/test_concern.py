"""`/concern`'s conversation in the member's language, through SimCord: the confirmation, the inbox and the
refusals follow the member's Discord locale; the words exchanged are quoted as written. (The form's field and
the case's buttons are care's, which stays English on purpose.)"""

from __future__ import annotations

from typing import Any

import pytest
import simcord
from simcord import interactions as simcord_interactions

from bot import i18n
from cogs.care import concern_texts as texts
from tests.care.test_behaviour import world
from tests.conftest import Harness
from tests.i18n.test_converted import converted_modules

Locales = dict[int, str]
WORDS = "Jemand schreibt mir privat und das macht mir Angst"


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


def said(result: simcord.InteractionResult) -> str:
    message = (result.followups or [result.response])[-1]
    assert message is not None and message.ephemeral
    return str(message.content)


async def test_a_german_member_raises_a_concern_and_reads_the_inbox_in_german(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    w = await world(harness, env)
    alice = w["alice"]
    locales[alice.id] = "de"
    channel = w["group"].channel

    empty = await alice.slash(channel, "concern", inbox=True)
    with i18n.using("de"):
        assert said(empty) == texts.no_concerns()
    assert said(empty).startswith("Du hast hier keine Anliegen.")

    shown = await alice.slash(channel, "concern", anonymous=True)
    assert shown.modal is not None
    sent = said(await alice.submit_modal(shown, {"text": WORDS}))
    assert sent.startswith("Gesendet an das Moderationsteam. Sie erfahren nicht, wer du bist;")

    inbox = await alice.slash(channel, "concern", inbox=True)
    lines = said(inbox).splitlines()
    assert lines[0] == "**Dein Anliegen #1** (offen)"
    assert lines[1].startswith("**Du** <t:")
    assert lines[2] == f">>> {WORDS}"  # her words, as written

    english = await w["mod"].slash(channel, "concern", inbox=True)  # another reader, another language
    assert said(english).startswith("You have no concerns here. ")
    assert said(english).endswith(" raises one, privately.")


def test_the_rate_limit_counts_in_both_languages() -> None:
    with i18n.using("de"):
        assert texts.too_many(3).startswith("Du hast am letzten Tag 3 Anliegen gestartet")
        assert texts.earlier(1) == "(und 1 früheres Anliegen)"
        assert texts.earlier(2) == "(und 2 frühere Anliegen)"
    with i18n.using("en"):
        assert texts.earlier(1) == "(and 1 earlier concern)"
        assert texts.earlier(5) == "(and 5 earlier concerns)"


def test_concern_is_guarded_against_literal_replies() -> None:
    assert {"concern.py", "concern_cog.py"} <= {p.name for p in converted_modules()}
