"""The demo in a real browser (Debian's chromium through Playwright), as a visitor uses it.

From the lobby to #caregivers, /checkin now typed and its form submitted, Reply anonymously pressed and
submitted, the persona switched, the moderator queue reached; then the database and what each persona sees
are checked. Screenshots of each step land in the test's temp dir (or HEARTH_DEMO_SHOTS when set).
In CI (CI=true) a missing chromium or Playwright fails this test instead of skipping it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import select

from bot.demo import browser
from bot.demo.runner import Demo
from cogs.checkins.models import Checkin
from cogs.sharing.models import AnonymousPost
from tests.demo.conftest import require_browser

NOTE = "A walk at lunch helped, thanks for asking."
REPLY = "Same here: an hour with a book feels like a holiday."


async def test_a_visitor_checks_in_replies_anonymously_switches_persona_and_reaches_the_queue(
    demo: Demo, tmp_path: Path
) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    shots = Path(os.environ.get("HEARTH_DEMO_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    world = demo.world
    alex = world.members[0]
    db = demo.env.bot.db  # type: ignore[attr-defined]
    async with db.read() as session:
        posts_before = len(list(await session.scalars(select(AnonymousPost))))

    async with async_playwright() as playwright:
        chromium = await browser.launch(playwright)
        try:
            lobby = await chromium.new_page(viewport=browser.VIEWPORT)
            lobby.set_default_timeout(15_000)
            await lobby.goto(demo.lobby_url)
            async with lobby.expect_popup() as popup:
                await lobby.get_by_role("link", name="#caregivers").click()
            page = await popup.value
            page.set_default_timeout(15_000)
            await page.get_by_role("textbox", name=re.compile("^Message")).wait_for(timeout=30_000)
            assert await page.get_by_label("Viewing as").input_value() is not None

            # Alex checks in, for the group to see.
            await browser.run_command(page, "/checkin now")
            await browser.choose(page, "How are you, really?", "4 · Good")
            await browser.fill(page, "A note", NOTE)
            await browser.choose(page, "Who may see it?", "My group")
            await page.screenshot(path=str(shots / "1-checkin-form.png"))
            await browser.submit(page)
            await browser.wait_for_text(page, NOTE)
            await page.screenshot(path=str(shots / "2-checkin-posted.png"))

            # Alex replies anonymously to the seeded anonymous post.
            await browser.click_button(page, "Reply anonymously", last=False)
            await browser.fill(page, "Your reply", REPLY)
            await browser.submit(page)
            await browser.wait_for_text(page, "Posted anonymously")
            await page.screenshot(path=str(shots / "3-anonymous-reply.png"))

            # Sam sees Alex's check-in card, but not Riley's "only me" note; nor Alex's receipt.
            await browser.view_as(page, "Sam")
            await browser.wait_for_text(page, NOTE)
            body = await page.locator("body").inner_text()
            assert "Only I can see this note." not in body
            assert "Posted anonymously" not in body
            await page.screenshot(path=str(shots / "4-as-sam.png"))

            # The lobby takes the visitor to the moderator queue, seen by Mo.
            await lobby.reload()
            async with lobby.expect_popup() as popup:
                await lobby.get_by_role("link", name="#mod-queue").click()
            queue = await popup.value
            queue.set_default_timeout(15_000)
            await browser.wait_for_text(queue, "Reported message")
            assert await queue.get_by_label("Viewing as").locator("option").all_inner_texts() == [
                "Mo (moderator)",
                "Ada (admin)",
            ]
            assert "toughen up" in await queue.locator("body").inner_text()
            await queue.screenshot(path=str(shots / "5-mod-queue.png"))
        finally:
            await chromium.close()

    # What the page did reached the real bot's database.
    async with db.read() as session:
        checkin = await session.scalar(select(Checkin).where(Checkin.note == NOTE))
        posts = list(await session.scalars(select(AnonymousPost).order_by(AnonymousPost.id)))
    assert checkin is not None and checkin.user_id == alex.id and checkin.visibility == "group"
    assert len(posts) == posts_before + 1
    reply = posts[-1]
    assert reply.content == REPLY and reply.parent_id is not None
    assert str(alex.id) not in f"{reply.pseudonym}{reply.server_hash}{reply.label}"  # no user id stored
    thread = next(t for t in world.caregivers.threads if t.last_message is not None)
    assert any(REPLY in m.content for m in thread.history())
    assert all("Alex" not in m.content for m in thread.history())
    assert sorted(p.name for p in shots.iterdir()) == [  # noqa: ASYNC240
        "1-checkin-form.png",
        "2-checkin-posted.png",
        "3-anonymous-reply.png",
        "4-as-sam.png",
        "5-mod-queue.png",
    ]
