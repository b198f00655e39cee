"""A member's daily check-in reminder: set, remove, and deciding at each firing whether to DM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import i18n
from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.delivery import Deliveries, Delivery
from cogs.checkins import domain, texts
from cogs.checkins.models import Checkin, CheckinReminder
from cogs.checkins.records import ReminderDue, ReminderInfo
from cogs.groups import api as groups

REMINDER_PURPOSE = "checkins.reminder"


class CheckinReminders:
    db: Database
    clock: Clock
    default_timezone: str
    # The DM is written to the delivery record in the same transaction as ``last_sent_at`` (bot/delivery.py).
    deliveries: Deliveries | None

    async def reminder_preview(self, actor: Actor, time_text: str, timezone: str | None) -> tuple[time, ZoneInfo]:
        at = domain.parse_time_of_day(time_text)
        if timezone and timezone.strip():
            return at, groups.parse_timezone(timezone)
        async with self.db.read() as session:
            zone = await groups.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
        return at, zone

    async def set_reminder(self, actor: Actor, at: time, timezone: str | None) -> ReminderInfo:
        async with self.db.write() as session:
            if timezone and timezone.strip():
                zone = await groups.set_member_timezone(session, actor.user_id, timezone)
            else:
                zone = await groups.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
            reminder = await session.scalar(
                select(CheckinReminder)
                .where(CheckinReminder.guild_id == actor.guild_id, CheckinReminder.user_id == actor.user_id)
                .with_for_update()
            )
            if reminder is None:
                reminder = CheckinReminder(
                    guild_id=actor.guild_id, user_id=actor.user_id, created_at=self.clock.now(), last_sent_at=None
                )
                session.add(reminder)
            reminder.hour, reminder.minute = at.hour, at.minute
            reminder.active, reminder.stopped_notice = True, False
            await session.flush()
            return ReminderInfo(reminder.id, actor.user_id, actor.guild_id, at, zone)

    async def remove_reminder(self, actor: Actor) -> int | None:
        async with self.db.write() as session:
            reminder = await session.scalar(
                select(CheckinReminder).where(
                    CheckinReminder.guild_id == actor.guild_id, CheckinReminder.user_id == actor.user_id
                )
            )
            if reminder is None or not reminder.active:
                if reminder is not None:
                    await session.delete(reminder)
                return None
            await session.delete(reminder)
            return reminder.id

    async def active_reminders(self) -> list[ReminderInfo]:
        async with self.db.read() as session:
            reminders = list(await session.scalars(select(CheckinReminder).where(CheckinReminder.active.is_(True))))
            own = await groups.member_timezones(session, {r.user_id for r in reminders})
            server = await groups.server_timezones(session, {r.guild_id for r in reminders})
            rows = [(r, own.get(r.user_id), server.get(r.guild_id)) for r in reminders]
            return [
                ReminderInfo(
                    r.id,
                    r.user_id,
                    r.guild_id,
                    time(r.hour, r.minute),
                    ZoneInfo(mine or server or self.default_timezone),
                )
                for r, mine, server in rows
            ]

    async def reminder_due(
        self,
        reminder_id: int,
        guild_name: Callable[[int], str | None] = lambda _: None,
        language_of: Callable[[int], str | None] = lambda _: None,
    ) -> ReminderDue | None:
        """Decide, at the moment a reminder job fires, whether to DM (at most once a local day, even if the
        job fires twice) and when to fire next; a DM to send is recorded for delivery here, in the server's
        language (``language_of``: a member's own locale is only known while they use a command)."""
        now = self.clock.now()
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, reminder_id, with_for_update=True)
            if reminder is None or not reminder.active:
                return None
            zone = await groups.member_timezone(session, reminder.user_id, reminder.guild_id, self.default_timezone)
            at = time(reminder.hour, reminder.minute)
            send = domain.near_local_time(now, at, zone, timedelta(hours=1))
            today = domain.local_date(now, zone)
            if send and reminder.last_sent_at is not None:
                send = domain.local_date(reminder.last_sent_at, zone) != today
            if send:
                day_start = domain.at_local(domain.local_date(now, zone), time(0), zone)
                already = await session.scalar(
                    select(Checkin.id)
                    .where(
                        Checkin.user_id == reminder.user_id,
                        Checkin.guild_id == reminder.guild_id,
                        Checkin.created_at >= day_start,
                    )
                    .limit(1)
                )
                send = already is None
            if send:
                reminder.last_sent_at = now
                if self.deliveries is not None:
                    with i18n.using(language_of(reminder.guild_id)):
                        reminder_text = texts.reminder(guild_name(reminder.guild_id))
                    self.deliveries.enqueue(
                        session,
                        Delivery.dm(
                            reminder.user_id,
                            reminder_text,
                            purpose=REMINDER_PURPOSE,
                            ref=str(reminder.id),
                            guild_id=reminder.guild_id,
                        ),
                    )
            return ReminderDue(send, reminder.user_id, reminder.guild_id, domain.next_local_occurrence(now, at, zone))

    async def stop_reminder_dms_closed(self, reminder_id: int) -> None:
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, reminder_id)
            if reminder is not None:
                reminder.active = False
                reminder.stopped_notice = True

    async def take_stopped_notice(self, actor: Actor) -> bool:
        """True once after a reminder was stopped because DMs were closed."""
        async with self.db.read() as session:
            pending = await session.scalar(
                select(CheckinReminder.id).where(
                    CheckinReminder.guild_id == actor.guild_id,
                    CheckinReminder.user_id == actor.user_id,
                    CheckinReminder.stopped_notice.is_(True),
                )
            )
        if pending is None:
            return False
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, pending)
            if reminder is None or not reminder.stopped_notice:
                return False
            await session.delete(reminder)
            return True
