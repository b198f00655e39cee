"""A running demo in the test's event loop: the same start-up as ``python -m bot demo``, with its lobby."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import browser
from bot.demo.runner import Demo, start, start_lobby, stop


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    env, _bot, world, settings = await start(tmp_path)
    running = Demo(env, world, settings)
    runner, port, _note = await start_lobby(running, 0)
    running.lobby_url = f"http://127.0.0.1:{port}/{running.secret}/"
    try:
        yield running
    finally:
        if running.preview is not None:
            await running.preview.close()
        await runner.cleanup()
        await stop(env)


def require_browser() -> None:
    """Chromium and Playwright, or a skip that says how to get them; in CI (CI=true) missing ones fail."""
    problem = None
    if not browser.playwright_available():
        problem = browser.PLAYWRIGHT_HINT
    else:
        try:
            browser.chromium_path()
        except browser.BrowserMissing as error:
            problem = str(error)
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {problem}")
    pytest.skip(problem)
