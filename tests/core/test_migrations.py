"""Migrations and models agree: a database built by Alembic is what the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from bot.db import Base, Database, UTCDateTime
from bot.db import migrate as migrations
from bot.db.migrate import import_models


def _mapped(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Skip what a feature's migration makes on purpose outside the models (e.g. a full-text index)."""
    unmapped: set[str] = Base.metadata.info.get("unmapped", set())
    table = getattr(getattr(obj, "table", None), "name", None)
    full = f"{table}.{name}" if type_ == "column" else str(name)
    return not (full in unmapped or any(str(name).startswith(f"{u}_") or name == u for u in unmapped))


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _mapped})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(db: Database) -> None:
    import_models()
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    assert differences == []


# --- settings move to the features that own them (issue 10), with data already in them ----------------

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
PREVIOUS = ("checkins_0001", "rounds_0001", "meetings_0001", "moderation_0001", "sharing_0001")


def _upgrade_to(connection: Connection, targets: tuple[str, ...]) -> None:
    from alembic import command

    from bot.db.migrate import alembic_config

    config = alembic_config()
    config.attributes["connection"] = connection
    for target in targets:
        command.upgrade(config, target)


async def test_moving_settings_keeps_every_server_and_group_choice(database_url: str) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade_to, PREVIOUS)
            # Two servers as the previous schema stored them: one that set everything, one on defaults.
            await connection.execute(
                text(
                    "INSERT INTO guild_configs (guild_id, facilitator_role_id, moderator_role_id, "
                    "mod_queue_channel_id, timezone, anonymous_sharing, anonymous_requires_approval, break_glass) "
                    "VALUES (1, 11, 12, 13, 'Europe/Berlin', false, true, true), "
                    "(2, NULL, NULL, NULL, NULL, true, false, false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO groups (guild_id, name, name_key, description, private, owns_channel, neutral_role, "
                    "guidelines, guidelines_version, shares_need_approval, public_events, created_by, created_at) "
                    "VALUES (1, 'Held', 'held', '', false, true, true, '', 1, true, true, 5, :now), "
                    "(1, 'Open', 'open', '', false, true, true, '', 1, false, false, 5, :now), "
                    "(1, 'Default', 'default', '', false, true, true, '', 1, NULL, false, 5, :now)"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"now": NOW},
            )
            await connection.execute(
                text(
                    "INSERT INTO group_members (group_id, user_id, joined_at) "
                    "SELECT id, 7, :now FROM groups WHERE name_key = 'held'"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"now": NOW},
            )
        await migrations.upgrade(database)

        async with database.engine.connect() as connection:
            groups_row = (
                await connection.execute(
                    text("SELECT facilitator_role_id, timezone FROM guild_configs ORDER BY guild_id")
                )
            ).all()
            moderation = (
                await connection.execute(
                    text("SELECT guild_id, moderator_role_id, mod_queue_channel_id FROM moderation_configs")
                )
            ).all()
            sharing = (
                await connection.execute(
                    text(
                        "SELECT guild_id, anonymous_sharing, approval_required, break_glass "
                        "FROM sharing_configs ORDER BY guild_id"
                    )
                )
            ).all()
            per_group = (
                await connection.execute(
                    text(
                        "SELECT g.name_key, s.shares_need_approval FROM group_sharing s "
                        "JOIN groups g ON g.id = s.group_id ORDER BY g.name_key"
                    )
                )
            ).all()
            members = (await connection.execute(text("SELECT count(*) FROM group_members"))).scalar_one()
            events = (
                await connection.execute(
                    text("SELECT g.name_key, e.public_events FROM group_events e JOIN groups g ON g.id = e.group_id")
                )
            ).all()
        assert [tuple(r) for r in groups_row] == [(11, "Europe/Berlin"), (None, None)]
        assert [tuple(r) for r in moderation] == [(1, 12, 13)]  # a server that set nothing needs no row
        assert [tuple(r) for r in sharing] == [(1, False, True, True), (2, True, False, False)]
        assert [tuple(r) for r in per_group] == [("held", True), ("open", False)]  # NULL: the server's default
        assert [tuple(r) for r in events] == [("held", True)]  # the one group that opted in to events
        assert members == 1  # moving columns rebuilt no table, so no membership was cascaded away
        state = await migrations.state(database)
        assert state.up_to_date
    finally:
        await database.close()
