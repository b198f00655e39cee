"""/privacy end to end through SimCord, with a feature's provider registered as features do."""

from __future__ import annotations

import json
from typing import Any

import simcord
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HearthState
from bot.i18n import plural
from bot.privacy import Erasure, Subject, Tally
from tests.conftest import Harness


class NotesProvider:
    """A stand-in feature storing one row per note in hearth_state (key = note:<user>:<n>)."""

    name = "notes"
    purpose = "Notes you wrote, so you can read them later."

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        return [Tally("notes", plural("%(count)s note", "%(count)s notes"), len(await self._rows(session, subject)))]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        return {"notes": [row.value for row in await self._rows(session, subject)]}

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        await session.execute(delete(HearthState).where(HearthState.key.like(f"note:{subject.user_id}:%")))

    async def _rows(self, session: AsyncSession, subject: Subject) -> list[HearthState]:
        rows = await session.scalars(select(HearthState).where(HearthState.key.like(f"note:{subject.user_id}:%")))
        return list(rows)


async def arrange(harness: Harness) -> tuple[simcord.ChannelHandle, simcord.MemberActor, simcord.MemberActor]:
    harness.bot.privacy.register(NotesProvider())
    guild = harness.env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(harness.env.create_user("alice"))
    bob = guild.add_member(harness.env.create_user("bob"))
    async with harness.bot.db.write() as session:
        session.add_all(
            [
                HearthState(key=f"note:{alice.id}:1", value="alice's first note"),
                HearthState(key=f"note:{alice.id}:2", value="alice's second note"),
                HearthState(key=f"note:{bob.id}:1", value="bob's note"),
            ]
        )
    return channel, alice, bob


async def notes_left(harness: Harness) -> list[str]:
    async with harness.bot.db.read() as session:
        return sorted(
            row.value for row in await session.scalars(select(HearthState).where(HearthState.key.like("note:%")))
        )


async def test_info_is_ephemeral_and_lists_what_each_feature_holds(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)
    result = await alice.slash(channel, "privacy info")
    assert result.ephemeral
    assert result.response is not None and result.followups == []
    content = result.response.content
    assert "What Hearth stores about you" in content
    assert "• **Notes**: 2 notes" in content
    assert "alice's first note" not in content  # counts, never contents


async def test_export_is_a_private_json_file_of_only_my_data(harness: Harness) -> None:
    channel, alice, bob = await arrange(harness)
    result = await alice.slash(channel, "privacy export")
    assert result.ephemeral
    message = result.followups[-1] if result.followups else result.response
    attachment = message.attachments[0]
    assert attachment.filename == "hearth-my-data.json"
    data = json.loads(await attachment.read())
    assert data["user_id"] == str(alice.id)
    assert sorted(data["data"]["notes"]["notes"]) == ["alice's first note", "alice's second note"]
    assert data["summary"]["notes"] == {"notes": 2}
    assert str(bob.id) not in json.dumps(data)


async def test_delete_asks_first_and_erases_only_my_data_when_confirmed(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)
    asked = await alice.slash(channel, "privacy delete")
    assert asked.ephemeral
    assert "cannot be undone" in asked.response.content
    assert await notes_left(harness) == ["alice's first note", "alice's second note", "bob's note"]  # not yet

    done = await alice.click(asked.response, label="Yes, erase my data")
    text = done.followups[-1].content if done.followups else done.response.content
    assert "Erased everywhere:\n• notes: 2 notes" in text
    assert await notes_left(harness) == ["bob's note"]


async def test_delete_cancelled_erases_nothing(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)
    asked = await alice.slash(channel, "privacy delete")
    done = await alice.click(asked.response, label="Cancel")
    assert "Nothing was erased" in done.response.content
    assert len(await notes_left(harness)) == 3


async def test_delete_unanswered_times_out_without_erasing(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)
    await alice.slash(channel, "privacy delete")
    await harness.env.advance_time(180)
    assert len(await notes_left(harness)) == 3


async def test_a_failing_provider_erases_nothing_at_all(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)

    class Broken(NotesProvider):
        name = "broken"

        async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
            raise RuntimeError("disk on fire")

    # Registered first, erased last: the notes provider's deletion must roll back with it.
    harness.bot.privacy.providers.insert(0, Broken())
    asked = await alice.slash(channel, "privacy delete")
    done = await alice.click(asked.response, label="Yes, erase my data")
    text = done.followups[-1].content if done.followups else done.response.content
    assert "Something went wrong on my side" in text
    assert len(await notes_left(harness)) == 3
    harness.env.errors.clear()
