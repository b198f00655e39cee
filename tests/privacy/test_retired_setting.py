"""``sharing.erase_keeps_text`` is gone (each member chooses at /privacy delete): an old config.toml that
still has it gets one line saying so and what to do, like any unknown key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from tests.conftest import SECRET, TOKEN

ENV = {"DISCORD_TOKEN": TOKEN, "HEARTH_SECRET_KEY": SECRET}


def test_the_operator_wide_erase_setting_is_gone() -> None:
    assert not hasattr(Settings().sharing, "erase_keeps_text")


def test_an_old_config_with_the_retired_key_gets_a_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[sharing]\nshares_per_hour = 3\nerase_keeps_text = true\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, ENV)
    [line] = caught.value.problems
    assert line.startswith("config.toml: sharing.erase_keeps_text was removed:")
    assert "/privacy delete" in line and "delete this line" in line


def test_the_cli_reports_it_as_one_line_and_exits_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.__main__ import main

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no developer's .env
    config = tmp_path / "config.toml"
    config.write_text("[sharing]\nerase_keeps_text = false\n")
    code = main(["--config", str(config), "check", "--offline"])
    out = capsys.readouterr()
    assert code != 0
    assert "sharing.erase_keeps_text was removed" in out.err + out.out
    assert "Traceback" not in out.err + out.out
