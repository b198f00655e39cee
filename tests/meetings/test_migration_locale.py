"""meetings_0004 keeps every answer given before it (SQLite and PostgreSQL): members' answers and chosen
reminders survive the upgrade, with no language yet (their reminders speak the server's language until they
next use meetings), and a language can then be kept."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from bot.db import Database, UTCDateTime
from bot.db import migrate as migrations

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _upgrade_to(connection: Connection, target: str) -> None:
    from alembic import command

    from bot.db.migrate import alembic_config

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)


def _stamped(sql: str) -> object:
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


async def test_answers_given_before_languages_were_kept_survive_the_upgrade(database_url: str) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "meetings_0003")
            await connection.execute(
                _stamped(
                    "INSERT INTO groups (id, guild_id, name, name_key, description, private, owns_channel, "
                    "neutral_role, guidelines, guidelines_version, created_by, created_at) "
                    "VALUES (1, 1, 'Circle', 'circle', '', false, true, true, '', 1, 5, :now)"
                ),
                {"now": NOW},
            )
            await connection.execute(
                _stamped(
                    "INSERT INTO meetings (id, guild_id, group_id, title, timezone, start_local, duration_minutes, "
                    "voice_is_stage, reminder_offsets, show_event, created_by, created_at, reminders_done, started) "
                    "VALUES (1, 1, 1, 'Weekly', 'Europe/Berlin', '2026-12-10T19:00', 60, false, '1440,15', true, "
                    "5, :now, '', false)"
                ),
                {"now": NOW},
            )
            await connection.execute(
                _stamped(
                    "INSERT INTO meeting_rsvps (meeting_id, user_id, occurrence_key, status, updated_at, reminders) "
                    "VALUES (1, 7, '*', 'going', :now, '15'), (1, 8, '2026-12-10T18:00:00Z', 'maybe', :now, NULL)"
                ),
                {"now": NOW},
            )
        await migrations.upgrade(database)

        async with database.engine.begin() as connection:
            rows = (
                await connection.execute(
                    text("SELECT user_id, status, reminders, locale FROM meeting_rsvps ORDER BY user_id")
                )
            ).all()
            assert [tuple(row) for row in rows] == [(7, "going", "15", None), (8, "maybe", None, None)]
            await connection.execute(text("UPDATE meeting_rsvps SET locale = 'pt-BR' WHERE user_id = 7"))
            kept = await connection.scalar(text("SELECT locale FROM meeting_rsvps WHERE user_id = 7"))
            assert kept == "pt-BR"
    finally:
        await database.close()
