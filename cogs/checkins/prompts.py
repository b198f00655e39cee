"""A group's scheduled check-in prompt, posted in its channel daily or weekly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from sqlalchemy import select

from bot import i18n
from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.delivery import Deliveries, Delivery
from bot.errors import BadInput, Conflict, NotFound
from cogs.checkins import domain, texts
from cogs.checkins.models import CheckinPrompt
from cogs.checkins.records import WEEKDAYS, PromptDue, PromptInfo
from cogs.groups import api as groups


def parse_weekday(raw: str | None) -> int | None:
    if raw is None or not raw.strip() or raw.strip().lower() == "daily":
        return None
    text = raw.strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(text[:3]) and len(text) >= 3:
            return index
    raise BadInput(texts.bad_weekday(raw.strip()))


PROMPT_VIEW = "checkin-prompt"  # the Discord sender turns "checkin-prompt:<group id>" into the prompt's button


class CheckinPrompts:
    db: Database
    clock: Clock
    default_timezone: str
    deliveries: Deliveries | None

    async def set_prompt(
        self, actor: Actor, group_name: str | None, channel_id: int | None, time_text: str, weekday_text: str | None
    ) -> PromptInfo:
        at = domain.parse_time_of_day(time_text)
        weekday = parse_weekday(weekday_text)
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, group)
            if group.archived:
                raise BadInput(texts.archived(group.name))
            if group.channel_id is None:
                raise Conflict(texts.no_prompt_channel(group.name))
            prompt = await session.scalar(
                select(CheckinPrompt).where(CheckinPrompt.group_id == group.id).with_for_update()
            )
            if prompt is None:
                prompt = CheckinPrompt(group_id=group.id, created_at=self.clock.now())
                session.add(prompt)
            prompt.hour, prompt.minute, prompt.weekday = at.hour, at.minute, weekday
            await session.flush()
            zone = await groups.group_timezone(session, group, self.default_timezone)
            return PromptInfo(prompt.id, group.id, group.name, at, weekday, zone, group.guild_id)

    async def remove_prompt(self, actor: Actor, group_name: str | None, channel_id: int | None) -> tuple[str, int]:
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, group)
            prompt = await session.scalar(select(CheckinPrompt).where(CheckinPrompt.group_id == group.id))
            if prompt is None:
                raise NotFound(texts.no_prompt(group.name))
            await session.delete(prompt)
            return group.name, prompt.id

    async def active_prompts(self) -> list[PromptInfo]:
        async with self.db.read() as session:
            prompts = list(await session.scalars(select(CheckinPrompt)))
            found = await groups.groups_by_ids(session, {p.group_id for p in prompts})
            rows = [(p, found[p.group_id]) for p in prompts if p.group_id in found and not found[p.group_id].archived]
            result = []
            for prompt, group in rows:
                zone = await groups.group_timezone(session, group, self.default_timezone)
                result.append(
                    PromptInfo(
                        prompt.id,
                        group.id,
                        group.name,
                        time(prompt.hour, prompt.minute),
                        prompt.weekday,
                        zone,
                        group.guild_id,
                    )
                )
            return result

    async def prompt_due(
        self, prompt_id: int, language_of: Callable[[int], str | None] = lambda _: None
    ) -> PromptDue | None:
        now = self.clock.now()
        async with self.db.write() as session:
            prompt = await session.get(CheckinPrompt, prompt_id, with_for_update=True)
            if prompt is None:
                return None
            group = await groups.group_by_id(session, prompt.group_id)
            if group is None or group.archived:
                return None
            zone = await groups.group_timezone(session, group, self.default_timezone)
            at = time(prompt.hour, prompt.minute)
            post = group.channel_id is not None and domain.near_local_time(now, at, zone, timedelta(hours=1))
            if post and prompt.last_posted_at is not None:  # a second firing the same local day posts nothing
                post = domain.local_date(prompt.last_posted_at, zone) != domain.local_date(now, zone)
            if post:
                prompt.last_posted_at = now
                if self.deliveries is not None and group.channel_id is not None:
                    language = i18n.resolve(language_of(group.guild_id))  # the channel's: the server's
                    with i18n.using(language):
                        text = texts.prompt(group.name)
                    self.deliveries.enqueue(
                        session,
                        Delivery.channel(
                            group.channel_id,
                            text,
                            purpose="checkins.prompt",
                            ref=str(prompt.id),
                            guild_id=group.guild_id,
                            view=f"{PROMPT_VIEW}:{group.id}:{language}",
                        ),
                    )
            return PromptDue(
                post,
                group.id,
                group.name,
                group.channel_id,
                domain.next_local_occurrence(now, at, zone, prompt.weekday),
            )
