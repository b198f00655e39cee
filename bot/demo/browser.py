"""Drive the preview page in Debian's chromium through Playwright, as a visitor would (never a downloaded browser).

Shared by ``--screenshots`` and the browser test, so the README's pictures and CI press the same buttons.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

# Headless, offline, no sandbox (CI runs as root); nothing here may try to reach the internet.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_HINT = "install Debian's chromium (as root: apt-get install -y chromium) or set HEARTH_CHROMIUM to a browser"
PLAYWRIGHT_HINT = "pip install playwright (the dev extra has it); Hearth uses the system chromium, never a download"
VIEWPORT = {"width": 1200, "height": 800}


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    candidates = [os.environ.get("HEARTH_CHROMIUM", ""), "/usr/bin/chromium", shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserMissing(f"no chromium found: {CHROMIUM_HINT}")


async def launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))


def playwright_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("playwright") is not None


async def run_command(page: Any, command: str) -> None:
    """Type a slash command in the composer, pick it from the list, and send it (no options)."""
    box = page.get_by_role("textbox", name=re.compile("^Message"))
    await box.click()
    await box.type(command)
    await page.keyboard.press("Enter")  # picks the highlighted command
    await page.get_by_role("button", name="Send", exact=True).click()


async def choose(page: Any, field: str, option: str) -> None:
    """Pick one option of a select in the open form."""
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("combobox", name=field).click()
    await dialog.get_by_role("option", name=re.compile(re.escape(option) + "$")).click()


async def fill(page: Any, field: str, text: str) -> None:
    await page.get_by_role("dialog").get_by_role("textbox", name=field).fill(text)


async def submit(page: Any) -> None:
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Submit").click()
    await dialog.wait_for(state="hidden")


async def view_as(page: Any, name: str) -> None:
    """The preview's "Viewing as" switch: see the place as another persona."""
    await page.get_by_label("Viewing as").select_option(label=name)


async def click_button(page: Any, label: str, *, last: bool = True) -> None:
    buttons = page.get_by_role("button", name=label, exact=True)
    await (buttons.last if last else buttons.first).click()


async def wait_for_text(page: Any, text: str, wait_ms: float = 15_000) -> None:
    await page.get_by_text(text, exact=False).last.wait_for(state="visible", timeout=wait_ms)
