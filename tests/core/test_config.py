"""Settings: defaults, config.toml overrides, environment secrets, and one clear line for every mistake."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from bot.config import REPO_ROOT, ConfigError, Settings, load_settings
from tests.conftest import SECRET, TOKEN

ENV = {"DISCORD_TOKEN": TOKEN, "HEARTH_SECRET_KEY": SECRET}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_example_config_documents_every_setting_with_its_default() -> None:
    example = REPO_ROOT / "config.example.toml"
    raw = tomllib.loads(example.read_text())
    defaults = Settings()
    for field in dataclasses.fields(Settings):
        section = getattr(defaults, field.name)
        if not dataclasses.is_dataclass(section) or field.name == "secrets":
            continue
        documented = raw.get(field.name)
        assert documented is not None, f"config.example.toml lacks [{field.name}]"
        assert documented == dataclasses.asdict(section), f"[{field.name}] in config.example.toml differs from defaults"
    loaded = load_settings(example, ENV)
    for field in dataclasses.fields(Settings):
        if field.name not in {"secrets", "config_path"}:
            assert getattr(loaded, field.name) == getattr(defaults, field.name), field.name


def test_config_overrides_defaults_and_env_carries_secrets(tmp_path: Path) -> None:
    path = write(tmp_path, '[checkins]\nquiet_after_days = 3\n[logging]\nformat = "json"\n')
    settings = load_settings(path, {**ENV, "HEARTH_DATABASE_URL": "postgres://u:p@db.example:5432/hearth"})
    assert settings.checkins.quiet_after_days == 3
    assert settings.checkins.note_max_length == 1000  # untouched default
    assert settings.logging.format == "json"
    assert settings.database_url == "postgresql+asyncpg://u:p@db.example:5432/hearth"
    assert settings.require_token() == TOKEN
    assert SECRET not in repr(settings)
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[checkins]\nquiet_after_dayz = 3\n", "unknown key checkins.quiet_after_dayz"),
        ("[chekins]\n", "unknown section [chekins]"),
        ('[checkins]\nquiet_after_days = "three"\n', "checkins.quiet_after_days must be a whole number"),
        ("[bot]\nsync_commands_on_start = 1\n", "bot.sync_commands_on_start must be true or false"),
        ('[meetings]\nreminder_offsets_minutes = ["a"]\n', "meetings.reminder_offsets_minutes[0] must be a whole"),
        ("[checkins\n", "is not valid TOML"),
        ('[logging]\nlevel = "LOUD"\n', "logging.level"),
        ('[groups]\ndefault_timezone = "Mars/Olympus"\n', "not an IANA timezone"),
        ("[retention]\ncheckins_days = 0\n", "retention.checkins_days must be greater than 0"),
    ],
)
def test_each_config_mistake_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), ENV)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HEARTH_DATABASE_URL": "mysql://u@h/db"}, "does not support"),
        ({"HEARTH_DATABASE_URL": "not a url"}, "is not a database URL"),
        ({"HEARTH_DATABASE_URL": "postgresql+asyncpg:///db"}, "names no PostgreSQL host"),
    ],
)
def test_bad_database_urls(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, ""), {**ENV, **env})


def test_missing_named_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", ENV)


def test_token_and_secret_checks(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        load_settings(path, {"HEARTH_SECRET_KEY": SECRET}).require_token()
    with pytest.raises(ConfigError, match="does not look like a bot token"):
        load_settings(path, {**ENV, "DISCORD_TOKEN": "hunter2"}).require_token()
    with pytest.raises(ConfigError, match="HEARTH_SECRET_KEY is not set"):
        load_settings(path, {"DISCORD_TOKEN": TOKEN}).require_secret_key()
    with pytest.raises(ConfigError, match="too short"):
        load_settings(path, {**ENV, "HEARTH_SECRET_KEY": "short"}).require_secret_key()
