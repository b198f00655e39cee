"""Several processes on one PostgreSQL: which shards a process runs, and which guilds it owns."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Hearth, ShardedHearth, create_bot
from bot.config import ConfigError, load_settings
from bot.pacing import RatePacer, SharedRatePacer
from bot.shards import ShardPlan, ShardSpecError, parse_shard_ids, shard_of
from tests.conftest import SECRET, TOKEN
from tests.core.test_cli import assert_one_clear_line, run_bot

ENV = {"DISCORD_TOKEN": TOKEN, "HEARTH_SECRET_KEY": SECRET}
PG = "postgresql+asyncpg://hearth@localhost:5432/hearth"


def guild_on(shard: int, count: int, n: int = 1) -> int:
    """A realistic snowflake on ``shard`` of ``count`` (timestamp bits above bit 22)."""
    return ((1_300_000_000_000 + shard + n * count) << 22) | 12345


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("0-3,6", 8, (0, 1, 2, 3, 6)),
        ("5", 8, (5,)),
        (" 2 - 3 , 0 ", 4, (0, 2, 3)),
        ("1,1,0-1", 2, (0, 1)),
        ("slot 0 of 4", 16, (0, 1, 2, 3)),
        ("slot 3 of 4", 16, (12, 13, 14, 15)),
        ("slot 1 of 3", 8, (2, 3, 4)),
    ],
)
def test_ranges_are_parsed(text: str, count: int, expected: tuple[int, ...]) -> None:
    assert parse_shard_ids(text, count) == expected


@pytest.mark.parametrize(
    ("text", "count", "needle"),
    [
        ("0-8", 8, "shard 8 does not exist with 8 shards (they are 0-7)"),
        ("3-1", 8, "not a range from a lower"),
        ("a", 8, "'a' is not a shard number"),
        ("0,,1", 8, "empty part"),
        ("-1", 8, "not a shard number"),
        ("slot 4 of 4", 16, "slot 4 does not exist with 4 processes (they are 0-3)"),
        ("slot 0 of 9", 8, "9 processes can't share 8 shards"),
    ],
)
def test_wrong_ranges_say_what_is_wrong(text: str, count: int, needle: str) -> None:
    with pytest.raises(ShardSpecError, match=None) as caught:
        parse_shard_ids(text, count)
    assert needle in str(caught.value)


def test_a_process_owns_exactly_the_guilds_of_its_shards() -> None:
    plan = ShardPlan.parse(4, "1,3")
    for shard in range(4):
        guild = guild_on(shard, 4)
        assert shard_of(guild, 4) == shard
        assert plan.owns(guild) == (shard in (1, 3))
    assert ShardPlan().owns(guild_on(2, 4)) and not ShardPlan().subset
    assert not ShardPlan.parse(4, "").subset  # all four shards in one process


def test_unset_is_one_unsharded_process(tmp_path: Path) -> None:
    settings = load_settings(None, ENV)
    assert settings.shard_plan == ShardPlan()
    bot = create_bot(settings)
    assert type(bot) is Hearth and bot.owns(guild_on(3, 8))


def test_environment_and_config_keys_choose_shards(tmp_path: Path) -> None:
    env = {**ENV, "HEARTH_DATABASE_URL": PG}
    settings = load_settings(None, {**env, "HEARTH_SHARD_COUNT": "8", "HEARTH_SHARD_IDS": "0-1,6"})
    assert settings.shard_plan == ShardPlan(8, (0, 1, 6))
    bot = create_bot(settings)
    assert isinstance(bot, ShardedHearth)
    assert bot.shard_count == 8 and bot.shard_ids == [0, 1, 6]
    assert bot.owns(guild_on(6, 8)) and not bot.owns(guild_on(2, 8))
    # Other processes send too, so deliveries draw on one budget shared in PostgreSQL.
    assert isinstance(bot.deliveries.pacer, SharedRatePacer)
    assert isinstance(create_bot(load_settings(None, ENV)).deliveries.pacer, RatePacer)
    config = tmp_path / "config.toml"
    config.write_text('[shards]\ncount = 4\nids = "2-3"\n')
    assert load_settings(config, env).shard_plan == ShardPlan(4, (2, 3))
    # The environment wins over the file, as for every other deployment value.
    assert load_settings(config, {**env, "HEARTH_SHARD_IDS": "0"}).shard_plan == ShardPlan(4, (0,))


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"HEARTH_SHARD_COUNT": "four"}, "HEARTH_SHARD_COUNT must be a whole number, got 'four'"),
        ({"HEARTH_SHARD_IDS": "0-1"}, "shard ids are set without a shard count"),
        ({"HEARTH_SHARD_COUNT": "4", "HEARTH_SHARD_IDS": "0-4"}, "shard 4 does not exist with 4 shards"),
        ({"HEARTH_SHARD_COUNT": "-2"}, "the shard count must be 1 or more"),
    ],
)
def test_wrong_shard_settings_are_refused(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {**ENV, "HEARTH_DATABASE_URL": PG, **env})
    assert any(needle in line for line in caught.value.problems), caught.value.problems


def test_all_shards_in_one_process_may_use_sqlite() -> None:
    settings = load_settings(None, {**ENV, "HEARTH_SHARD_COUNT": "2"})
    assert settings.shard_plan == ShardPlan(2, (0, 1))


def test_a_shard_subset_on_sqlite_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "run", env={"HEARTH_SHARD_COUNT": "4", "HEARTH_SHARD_IDS": "0-1"})
    assert_one_clear_line(result, 2, "HEARTH_SHARD_IDS runs only some of 4 shards, but the database is SQLite")
    assert "PostgreSQL" in result.stderr
    assert not (tmp_path / "data" / "hearth.sqlite3").exists()  # refused before touching anything


def test_process_slots_cover_every_shard_exactly_once() -> None:
    for count, slots in [(16, 4), (8, 3), (5, 5), (7, 2)]:
        owned = [shard for slot in range(slots) for shard in parse_shard_ids(f"slot {slot} of {slots}", count)]
        assert sorted(owned) == list(range(count)), (count, slots)
