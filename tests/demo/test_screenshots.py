"""The README's pictures: ``python -m bot demo --screenshots DIR`` renders every scene, or fails naming it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bot.demo.screenshots import SCENES
from tests.demo.conftest import require_browser

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_scene_renders_with_its_expected_text(tmp_path: Path) -> None:
    require_browser()
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--screenshots", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rendered = sorted(p.name for p in out.glob("*.png"))
    assert not [name for name in rendered if name.startswith("FAILED")], rendered
    assert len(rendered) >= len(SCENES)
    assert all((out / name).stat().st_size > 10_000 for name in rendered)
    # Every picture the README shows is one the demo renders.
    shown = set(re.findall(r"docs/screenshots/([\w-]+\.png)", README.read_text()))
    assert shown and shown <= set(rendered), shown - set(rendered)
