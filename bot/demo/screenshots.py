"""``python -m bot demo --screenshots DIR``: each feature's key moment, rendered in Debian's chromium.

The README's pictures come from here, and CI runs the same scenes: a scene fails (exit 1) when the page no
longer shows the text it expects, so a changed reply or a broken form cannot slip into the pictures.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.demo import browser, scenes

if TYPE_CHECKING:
    from bot.demo.runner import Demo

Shot = Callable[..., Awaitable[None]]


async def checkin(demo: Demo, page: Any, shot: Shot) -> None:
    await open_place(demo, page, "caregivers", "Alex")
    await browser.run_command(page, "/checkin now")
    await browser.choose(page, "How are you, really?", "4 · Good")
    await browser.fill(page, "A note", "A walk at lunch helped.")
    await browser.choose(page, "Who may see it?", "My group")
    await shot("checkin-form", "Check in · Caregivers", "How are you, really?")
    await browser.submit(page)
    await jump_to_latest(page)
    await shot("checkin-posted", "A walk at lunch helped.", "Send support")


async def anonymous(demo: Demo, page: Any, shot: Shot) -> None:
    await open_place(demo, page, "caregivers", "Jo")
    await browser.click_button(page, "Reply anonymously")
    await browser.fill(page, "Your reply", "Same here. An hour with a book feels like a holiday.")
    await shot("anonymous-reply-form", "Reply anonymously", "Content warning")
    await browser.submit(page)
    await open_place(demo, page, "anonymous replies", "Jo")
    await shot("anonymous-thread", "An hour with a book feels like a holiday.", "Anonymous member")


async def moderation(demo: Demo, page: Any, shot: Shot) -> None:
    await open_place(demo, page, "mod-queue", "Mo (moderator)")
    await shot("mod-queue", "Reported message", "toughen up", "Dismiss")


async def sharing_round(demo: Demo, page: Any, shot: Shot) -> None:
    await scenes.start_round(demo)
    await open_place(demo, page, "caregivers", "Fran (facilitator)")
    await jump_to_latest(page)
    await shot("sharing-round", f"Sharing round: {scenes.ROUND_TOPIC}", "holds the stick", "Join queue")


async def meeting(demo: Demo, page: Any, shot: Shot) -> None:
    await scenes.move_to_meeting_reminder(demo)
    await open_place(demo, page, "dm:Alex", "Alex")
    await jump_to_latest(page)
    await shot("meeting-reminder", "Reminder", scenes.MEETING_TITLE)


async def privacy(demo: Demo, page: Any, shot: Shot) -> None:
    await open_place(demo, page, "caregivers", "Riley")
    await browser.run_command(page, "/privacy info")
    await jump_to_latest(page)
    await shot("privacy", "Only you can see this", "only a keyed pseudonym nobody can reverse")


SCENES: list[Callable[[Demo, Any, Shot], Awaitable[None]]] = [
    checkin,
    anonymous,
    moderation,
    privacy,
    sharing_round,
    meeting,  # moves time on by a week: keep it last
]


async def open_place(demo: Demo, page: Any, name: str, viewer: str) -> None:
    place = demo.find(name)
    if place is None:
        raise LookupError(f"no place called {name!r}")
    await page.goto(await demo.open(place))
    await browser.view_as(page, viewer)
    await page.get_by_role("textbox", name="Message", exact=False).first.wait_for()


async def jump_to_latest(page: Any) -> None:
    """The page keeps its scroll place when new messages arrive; show the newest, as a visitor would."""
    jump = page.get_by_text("jump to latest")
    for index in range(await jump.count()):
        if await jump.nth(index).is_visible():
            await jump.nth(index).click()
            return


async def render_all(demo: Demo, directory: Path) -> int:
    """Render every scene into ``directory``; 0 when each showed its expected text, else 1."""
    if not browser.playwright_available():
        print(f"hearth: screenshots need Playwright: {browser.PLAYWRIGHT_HINT}", file=sys.stderr)
        return 2
    from playwright.async_api import async_playwright

    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before anything runs)
    failures: list[str] = []
    async with async_playwright() as playwright:
        try:
            chromium = await browser.launch(playwright)
        except browser.BrowserMissing as error:
            print(f"hearth: {error}", file=sys.stderr)
            return 2
        page = await chromium.new_page(viewport=browser.VIEWPORT)
        page.set_default_timeout(15_000)

        for scene in SCENES:

            async def shot(name: str, *expected: str) -> None:
                for text in expected:
                    await browser.wait_for_text(page, text)
                for attempt in range(3):  # the demo may re-render that message (an edit) between wait and scroll
                    try:
                        await page.get_by_text(expected[-1]).last.scroll_into_view_if_needed()
                        break
                    except Exception as error:
                        if "not attached" not in str(error) or attempt == 2:
                            raise
                        await browser.wait_for_text(page, expected[-1])
                await page.screenshot(path=str(directory / f"{name}.png"))
                print(f"rendered {directory / name}.png", flush=True)

            try:
                await scene(demo, page, shot)
            except Exception as error:  # one broken scene must not hide the others
                failures.append(f"{scene.__name__}: {str(error).splitlines()[0]}")
                await page.screenshot(path=str(directory / f"FAILED-{scene.__name__}.png"))
        await chromium.close()
    for failure in failures:
        print(f"hearth: scene {failure}", file=sys.stderr)
    return 1 if failures else 0
