"""Care's use cases over the database; no ``discord`` here.

A case belongs to one person at a time. Claiming is one conditional UPDATE (``owner_id IS NULL``), so
of two facilitators pressing "I'll reach out" together exactly one wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from bot.db.models import DeliveryRecord
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.keys import Keyring
from cogs.care import domain, texts
from cogs.care.domain import Resources, Severity
from cogs.care.models import CareAlert, CareCase, CareConfig, CarePreference
from cogs.groups import api as groups
from cogs.moderation.api import ModerationLink

OFFERED, OPEN, CLAIMED, CLOSED = "offered", "open", "claimed", "closed"
ESCALATION_PURPOSE = "care.escalation"
FOLLOW_UP_PURPOSE = "care.follow_up"
NOBODY_FREE_PURPOSE = "care.nobody_free"
GONE = "This request is no longer open: it was closed, or the member asked for their data to be erased."


@dataclass(frozen=True)
class Case:
    """A case as the people handling it see it: the group and severity, never a private note of the member."""

    id: int
    guild_id: int
    group_id: int | None
    group_name: str
    severity: Severity
    source: str
    status: str
    anonymous: bool
    member_id: int | None
    owner_id: int | None
    helper_id: int | None
    opened_at: datetime
    escalate_at: datetime | None
    escalated: bool
    contact_made: bool
    follow_up_at: datetime | None
    # Someone had it and can't carry on (left, lost the role, erased their data): open again for another person.
    handed_back: bool = False

    @property
    def label(self) -> str:
        where = f" in **{self.group_name}**" if self.group_name else ""
        return f"Case #{self.id} ({self.severity.label}){where}: {domain.SOURCE_WORDS.get(self.source, self.source)}"


@dataclass(frozen=True)
class Offer:
    """What to show the member: a case to consent to (or already open, in duty-of-care mode)."""

    case: Case
    resources: Resources
    first_time: bool
    duty: bool
    own_text: str | None = None  # the server's reviewed crisis message for the member's language, if it has one


def _case(row: CareCase) -> Case:
    return Case(
        id=row.id,
        guild_id=row.guild_id,
        group_id=row.group_id,
        group_name=row.group_name,
        severity=Severity(row.severity),
        source=row.source,
        status=row.status,
        anonymous=row.member_id is None and (row.post_id is not None or row.seal is not None),
        member_id=row.member_id,
        owner_id=row.owner_id,
        helper_id=row.helper_id,
        opened_at=row.opened_at,
        escalate_at=row.escalate_at,
        escalated=row.escalated_at is not None,
        contact_made=row.contact_at is not None,
        follow_up_at=row.follow_up_at,
        handed_back=row.status == OPEN and row.claimed_at is not None,
    )


#: Called inside a use case's transaction with the changed case, to enqueue what goes out (bot/delivery.py).
Then = Callable[[AsyncSession, Case], None]


async def card_messages(session: AsyncSession, case_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """(case, channel, message) of every message carrying these cases' cards: those posted directly, and
    escalations the delivery record sent (it keeps their message id). Used to refresh them and to erase."""
    if not case_ids:
        return []
    rows = await session.execute(
        select(CareAlert.case_id, CareAlert.channel_id, CareAlert.message_id).where(CareAlert.case_id.in_(case_ids))
    )
    sent = await session.execute(
        select(DeliveryRecord.ref, DeliveryRecord.channel_id, DeliveryRecord.message_id).where(
            DeliveryRecord.purpose == ESCALATION_PURPOSE,
            DeliveryRecord.ref.in_([str(i) for i in case_ids]),
            DeliveryRecord.channel_id.is_not(None),
            DeliveryRecord.message_id.is_not(None),
        )
    )
    return [(int(case or 0), int(c or 0), int(m or 0)) for case, c, m in [*rows.all(), *sent.all()]]


def refuse_worry(reporter: Actor, *, member_id: int | None, is_bot: bool) -> None:
    """Nobody to check on (a bot), or it's the reporter themselves: say so, and open nothing."""
    if is_bot:
        raise BadInput(texts.WORRIED_ABOUT_A_BOT)
    if member_id is not None and member_id == reporter.user_id:
        raise BadInput(texts.WORRIED_ABOUT_ME)


def release(row: CareCase, user_id: int, now: datetime) -> bool:
    """Take ``user_id`` off a case (they left, lost the role, or erased their data). A claimed case they owned goes
    back to the pool, due for the moderators at once rather than after a fresh deadline: the member had a person
    and should not wait again. ``claimed_at`` stays, so the case still knows it had been picked up (the member is
    then told someone else will take over, not that nobody could). True when the case went back to the pool."""
    if row.helper_id == user_id:
        row.helper_id = None
    if row.owner_id != user_id:
        return False
    row.owner_id = None
    if row.status != CLAIMED:
        return False  # a closed case just stops naming them
    row.status, row.escalate_at, row.follow_up_at = OPEN, now, None
    return True


class CareService:
    def __init__(
        self,
        db: Database,
        shipped: Resources,
        moderation: Callable[[], ModerationLink | None],
        keys: Callable[[], Keyring] | None = None,
    ) -> None:
        self.db = db
        self.shipped = shipped
        self.moderation = moderation
        self.keys = keys

    # --- settings and resources ----------------------------------------------------------------------

    async def config(self, session: AsyncSession, guild_id: int) -> CareConfig:
        return await session.get(CareConfig, guild_id) or CareConfig(
            guild_id=guild_id, duty_of_care=False, resources="", crisis_texts=""
        )

    def _resources(self, config: CareConfig) -> Resources:
        """The server's own regions first, then the shipped ones it did not replace."""
        own = domain.parse_resources("x\n\n" + config.resources).regions if config.resources.strip() else ()
        names = {r.name for r in own}
        return Resources(self.shipped.emergency, (*own, *(r for r in self.shipped.regions if r.name not in names)))

    async def resources(self, guild_id: int) -> Resources:
        async with self.db.read() as session:
            return self._resources(await self.config(session, guild_id))

    async def set_region(self, actor: Actor, name: str, text: str) -> Resources:
        if not actor.is_admin:
            raise NotAllowed("Only server admins (Manage Server) can change the crisis resources.")
        region = domain.clean_region(name, text)
        async with self.db.write() as session:
            config = await session.get(CareConfig, actor.guild_id, with_for_update=True)
            if config is None:
                config = CareConfig(guild_id=actor.guild_id, duty_of_care=False, resources="")
                session.add(config)
            own = [r for r in domain.parse_resources("x\n\n" + config.resources).regions if r.name != region.name]
            if text.strip().lower() != "remove":  # "remove" as the text drops the region
                own.append(region)
            if len(own) > domain.MAX_REGIONS:
                raise BadInput(f"A server can keep up to {domain.MAX_REGIONS} regions; remove one first.")
            config.resources = "\n\n".join(f"## {r.name}\n{r.text}" for r in own)
            return self._resources(config)

    async def set_crisis_text(self, actor: Actor, language: str, crisis: str, low: str) -> dict[str, str]:
        """An admin's reviewed crisis message for one language ("remove" as the message drops it). Returns the
        languages the server now has its own text for, code -> name."""
        if not actor.is_admin:
            raise NotAllowed("Only server admins (Manage Server) can change the crisis messages.")
        code = domain.language_code(language)
        dropping = crisis.strip().lower() == "remove"
        cleaned = None if dropping else domain.clean_crisis_text(crisis, low)
        async with self.db.write() as session:
            config = await session.get(CareConfig, actor.guild_id, with_for_update=True)
            if config is None:
                config = CareConfig(guild_id=actor.guild_id, duty_of_care=False, resources="", crisis_texts="")
                session.add(config)
            by_language = domain.parse_crisis_texts(config.crisis_texts or "")
            by_language.pop(code, None)
            if cleaned is not None:
                by_language[code] = cleaned
            config.crisis_texts = domain.dump_crisis_texts(by_language) if by_language else ""
            return {c: domain.LANGUAGES[c] for c in by_language}

    async def crisis_text(self, guild_id: int, language: str) -> domain.CrisisText | None:
        """The server's text for one language (to prefill the form)."""
        async with self.db.read() as session:
            config = await self.config(session, guild_id)
            return domain.parse_crisis_texts(config.crisis_texts or "").get(language)

    # --- offers: after a member wrote ----------------------------------------------------------------

    async def offer(
        self,
        *,
        guild_id: int,
        writer_id: int,
        group_id: int | None,
        group_name: str,
        source: str,
        post_id: int | None,
        now: datetime,
        zone: ZoneInfo | None = None,
        locale: str | None = None,
    ) -> Offer | None:
        """A match (or the lowest mood): record an offer, unless the member turned these messages off or
        already got one today that was at least as pressing. ``writer_id`` only keys that memory, and for an
        anonymous post it is only read: the case stores the post, and nothing is stored about the writer."""
        severity = domain.severity_of(source)
        today = now.astimezone(zone).date() if zone else now.date()
        anonymous = post_id is not None
        async with self.db.write() as session:
            pref = await session.get(CarePreference, (writer_id, guild_id), with_for_update=True)
            if pref is not None and not pref.automatic:
                return None
            if anonymous:
                # Nothing is written about the writer of an anonymous post: a row saying "messaged today" would
                # sit beside the post's time. So the once-a-day limit can't apply there; the off switch does.
                first_time = pref is None or not pref.seen_disclosure
            else:
                if pref is None:
                    pref = CarePreference(user_id=writer_id, guild_id=guild_id, automatic=True, seen_disclosure=False)
                    session.add(pref)
                if not domain.may_message_today(
                    last_day=pref.last_day, last_severity=pref.last_severity, today=today, severity=severity
                ):
                    return None
                first_time = not pref.seen_disclosure
                pref.last_day, pref.last_severity, pref.seen_disclosure = today.isoformat(), int(severity), True
            config = await self.config(session, guild_id)
            row = CareCase(
                guild_id=guild_id,
                group_id=group_id,
                group_name=group_name[:100],
                severity=int(severity),
                source=source,
                status=OFFERED,
                member_id=None if anonymous else writer_id,
                post_id=post_id,
                opened_at=now,
                closed_by_member=False,
                note="",
            )
            session.add(row)
            if config.duty_of_care:
                self._open(row, config, now)
            await session.flush()
            if anonymous and self.keys is not None:
                # The author's only link to their case: /privacy delete finds it by recomputing this.
                row.seal = domain.seal(self.keys(), guild_id, row.id, writer_id)
            own = domain.own_crisis_text(
                domain.parse_crisis_texts(config.crisis_texts or ""), locale, low_mood=source == "lowmood"
            )
            return Offer(_case(row), self._resources(config), first_time, config.duty_of_care, own)

    def _open(self, row: CareCase, config: CareConfig, now: datetime) -> None:
        row.status = OPEN
        row.opened_at = now
        row.escalate_at = domain.escalation_due(
            now,
            Severity(row.severity),
            urgent_minutes=config.urgent_minutes,
            gentle_minutes=config.gentle_minutes,
        )

    async def consent(self, case_id: int, now: datetime) -> Case:
        """The member pressed "I'd like someone here to reach out"."""
        async with self.db.write() as session:
            row = await self._row(session, case_id)
            if row.status != OFFERED:
                return _case(row)  # already asked for: pressing twice changes nothing
            self._open(row, await self.config(session, row.guild_id), now)
            return _case(row)

    async def decline(self, case_id: int) -> None:
        """ "I'm okay, thanks": the offer leaves nothing behind."""
        async with self.db.write() as session:
            await session.execute(delete(CareCase).where(CareCase.id == case_id, CareCase.status == OFFERED))

    async def ask(self, actor: Actor, group_name: str | None, channel_id: int | None, now: datetime) -> Case:
        """A direct ask for someone to talk to, no keyword needed: always an urgent, named case."""
        async with self.db.write() as session:
            group = await self._optional_group(session, actor, group_name, channel_id)
            existing = await session.scalar(
                select(CareCase).where(
                    CareCase.guild_id == actor.guild_id,
                    CareCase.member_id == actor.user_id,
                    CareCase.status.in_((OPEN, CLAIMED)),
                )
            )
            if existing is not None:
                return _case(existing)
            row = CareCase(
                guild_id=actor.guild_id,
                group_id=group.id if group else None,
                group_name=group.name if group else "",
                severity=int(Severity.URGENT),
                source="ask",
                status=OFFERED,
                member_id=actor.user_id,
                opened_at=now,
                closed_by_member=False,
                note="",
            )
            session.add(row)
            self._open(row, await self.config(session, actor.guild_id), now)
            await session.flush()
            return _case(row)

    async def worried(
        self, reporter: Actor, *, member_id: int | None, post_id: int | None, is_bot: bool, now: datetime
    ) -> Case:
        """A member is worried about someone: a case for the moderators; nothing goes to that person."""
        refuse_worry(reporter, member_id=member_id, is_bot=is_bot)
        async with self.db.write() as session:
            if member_id is not None:  # the same worry twice (two presses, two menus) is one case
                same = await session.scalar(
                    select(CareCase).where(
                        CareCase.guild_id == reporter.guild_id,
                        CareCase.source == "worried",
                        CareCase.member_id == member_id,
                        CareCase.raised_by == reporter.user_id,
                        CareCase.status.in_((OPEN, CLAIMED)),
                    )
                )
                if same is not None:
                    return _case(same)
            row = CareCase(
                guild_id=reporter.guild_id,
                group_id=None,
                group_name="",
                severity=int(Severity.URGENT),
                source="worried",
                status=OFFERED,
                member_id=member_id,
                post_id=post_id,
                raised_by=reporter.user_id,
                opened_at=now,
                closed_by_member=False,
                note="",
            )
            session.add(row)
            self._open(row, await self.config(session, reporter.guild_id), now)
            row.escalate_at = now  # worried reports go to the moderators straight away
            await session.flush()
            return _case(row)

    async def in_group_channel(self, guild_id: int, channel_id: int, parent_id: int | None) -> bool:
        """Whether a message is in a group's channel (or one of its threads), where Report applies."""
        async with self.db.read() as session:
            for channel in (channel_id, parent_id):
                if channel is not None and await groups.group_by_channel(session, guild_id, channel) is not None:
                    return True
        return False

    async def _optional_group(
        self, session: AsyncSession, actor: Actor, name: str | None, channel_id: int | None
    ) -> groups.GroupRef | None:
        if name:
            return await groups.resolve_group(session, actor, name, channel_id)
        if channel_id is not None:
            found = await groups.group_by_channel(session, actor.guild_id, channel_id)
            if found is not None and await groups.is_member(session, found.id, actor.user_id):
                return found
        mine = await groups.groups_of(session, actor.guild_id, actor.user_id)
        return mine[0] if len(mine) == 1 else None

    # --- who is reached -------------------------------------------------------------------------------

    async def responders(self, case: Case) -> tuple[list[int], int | None, int | None]:
        """(the group's facilitators, the moderator queue channel, the moderator role) for this case."""
        async with self.db.read() as session:
            facilitators = await groups.facilitator_ids(session, case.group_id) if case.group_id else []
            moderation = self.moderation()
            queue, role = (None, None)
            if moderation is not None:
                queue, role = await moderation.reach(session, case.guild_id)
            return [f for f in facilitators if f != case.member_id], queue, role

    async def _may_handle(self, session: AsyncSession, row: CareCase, actor: Actor) -> bool:
        if actor.guild_id != row.guild_id:
            return False
        if row.member_id == actor.user_id or row.raised_by == actor.user_id:
            return False  # nobody handles a case about themselves, nor the one they raised
        moderation = self.moderation()
        if moderation is not None and await moderation.is_moderator(session, actor):
            return True
        return row.group_id is not None and await groups.is_facilitator(session, actor, row.group_id)

    # --- one owner ------------------------------------------------------------------------------------

    async def claim(self, case_id: int, actor: Actor, now: datetime) -> tuple[Case, bool]:
        """(case, True) for the one who got it; (case, False) with its owner for everyone else."""
        async with self.db.write() as session:
            row = await self._row(session, case_id)
            if row.status in (OFFERED, CLOSED):
                raise Conflict(GONE)
            if not await self._may_handle(session, row, actor):
                raise NotAllowed("Only this group's facilitators and the server's moderators can take a case.")
            won = await session.execute(
                update(CareCase)
                .where(CareCase.id == case_id, CareCase.owner_id.is_(None), CareCase.status == OPEN)
                .values(owner_id=actor.user_id, status=CLAIMED, claimed_at=now, escalate_at=None)
                .execution_options(synchronize_session=False)
            )
            await session.refresh(row)
            return _case(row), won.rowcount == 1  # type: ignore[attr-defined]

    async def _owned(self, session: AsyncSession, case_id: int, actor: Actor) -> CareCase:
        row = await self._row(session, case_id)
        if row.status == CLOSED:
            raise Conflict("This case is closed.")
        if actor.user_id not in (row.owner_id, row.helper_id):
            owner = f"<@{row.owner_id}> has it" if row.owner_id else "nobody has taken it yet"
            raise NotAllowed(f"Only the person who took this case can do that ({owner}).")
        return row

    async def check_owner(self, case_id: int, actor: Actor) -> Case:
        async with self.db.read() as session:
            return _case(await self._owned(session, case_id, actor))

    async def contact_made(self, case_id: int, actor: Actor, now: datetime) -> Case:
        async with self.db.write() as session:
            row = await self._owned(session, case_id, actor)
            if row.contact_at is None:
                row.contact_at = now
            row.follow_up_at = now + timedelta(hours=domain.FOLLOW_UP_HOURS)
            return _case(row)

    async def follow_up_done(self, case_id: int, then: Then | None = None) -> Case | None:
        """The follow-up reminder is due: it fires once. ``then`` enqueues the reminder in the same transaction
        (the delivery record), so it is sent exactly once even across a crash or a restart."""
        async with self.db.write() as session:
            row = await session.get(CareCase, case_id, with_for_update=True)
            if row is None or row.status == CLOSED or row.follow_up_at is None:
                return None
            row.follow_up_at = None
            case = _case(row)
            if then is not None and case.owner_id is not None:
                then(session, case)
            return case

    async def hand_over(self, case_id: int, actor: Actor, to: Actor) -> Case:
        async with self.db.write() as session:
            row = await self._owned(session, case_id, actor)
            if to.user_id == actor.user_id:
                raise BadInput("That's you: pick the colleague who will take this case over.")
            if not await self._may_handle(session, row, to):
                raise BadInput(
                    "That person isn't one of this group's facilitators or a moderator, so they can't take it."
                )
            row.owner_id, row.helper_id = to.user_id, (None if row.helper_id == to.user_id else row.helper_id)
            return _case(row)

    async def bring_in(self, case_id: int, actor: Actor, helper: Actor) -> Case:
        async with self.db.write() as session:
            row = await self._owned(session, case_id, actor)
            if helper.user_id in (row.owner_id, row.member_id):
                raise BadInput("Pick someone else: a second person who isn't already on this case.")
            if not await self._may_handle(session, row, helper):
                raise BadInput("That person isn't one of this group's facilitators or a moderator.")
            row.helper_id = helper.user_id
            return _case(row)

    async def close(self, case_id: int, actor: Actor, note: str, now: datetime) -> Case:
        async with self.db.write() as session:
            row = await self._owned(session, case_id, actor)
            row.note = domain.clean_note(note, what="closing note")
            row.status, row.closed_at, row.escalate_at, row.follow_up_at = CLOSED, now, None, None
            return _case(row)

    async def member_close(self, case_id: int, now: datetime) -> Case:
        """The member said "I'm okay now" (from their own private message)."""
        async with self.db.write() as session:
            row = await self._row(session, case_id)
            if row.status != CLOSED:
                row.status, row.closed_at, row.closed_by_member = CLOSED, now, True
                row.escalate_at = row.follow_up_at = None
            return _case(row)

    async def escalate(self, case_id: int, now: datetime, then: Then | None = None) -> Case | None:
        """Unclaimed past its deadline: the moderators get it (once). ``then`` enqueues what goes out in the
        same transaction (the delivery record), so a crash or restart neither loses nor doubles it."""
        async with self.db.write() as session:
            row = await session.get(CareCase, case_id, with_for_update=True)
            if row is None or row.status != OPEN or row.escalate_at is None or row.escalate_at > now:
                return None
            row.escalate_at, row.escalated_at = None, now
            case = _case(row)
            if then is not None:
                then(session, case)
            return case

    async def owner_left(self, guild_id: int, user_id: int, now: datetime) -> list[Case]:
        """A case's owner left the server: their cases go back to unclaimed, due for the moderators now."""
        async with self.db.write() as session:
            return await self._release(session, guild_id, user_id, now, still=None)

    async def roles_changed(self, actor: Actor, now: datetime) -> list[Case]:
        """A member's roles changed: cases they own or help with but may no longer handle (they lost the
        facilitator or moderator role) go back to unclaimed, due for the moderators now."""
        async with self.db.read() as session:  # most role changes touch no case: don't take the writer for them
            involved = await session.scalar(
                select(CareCase.id)
                .where(
                    CareCase.guild_id == actor.guild_id,
                    CareCase.status == CLAIMED,
                    (CareCase.owner_id == actor.user_id) | (CareCase.helper_id == actor.user_id),
                )
                .limit(1)
            )
        if involved is None:
            return []
        async with self.db.write() as session:
            return await self._release(session, actor.guild_id, actor.user_id, now, still=actor)

    async def _release(
        self, session: AsyncSession, guild_id: int, user_id: int, now: datetime, *, still: Actor | None
    ) -> list[Case]:
        """Take ``user_id`` off their cases (all of them, or with ``still`` those that actor may no longer handle)."""
        rows = await session.scalars(
            select(CareCase).where(
                CareCase.guild_id == guild_id,
                CareCase.status == CLAIMED,
                (CareCase.owner_id == user_id) | (CareCase.helper_id == user_id),
            )
        )
        changed: list[CareCase] = []
        for row in list(rows):
            if still is not None and await self._may_handle(session, row, still):
                continue
            release(row, user_id, now)
            changed.append(row)
        return [_case(row) for row in changed]

    # --- reading ----------------------------------------------------------------------------------------

    async def _row(self, session: AsyncSession, case_id: int) -> CareCase:
        row = await session.get(CareCase, case_id, with_for_update=True)
        if row is None:
            raise NotFound(GONE)
        return row

    async def case(self, case_id: int) -> Case:
        async with self.db.read() as session:
            return _case(await self._row(session, case_id))

    async def group_channel(self, case: Case) -> int | None:
        """The case's group channel (for a private thread when the member's DMs are closed)."""
        if case.group_id is None:
            return None
        async with self.db.read() as session:
            group = await groups.group_by_id(session, case.group_id)
            return group.channel_id if group is not None and not group.archived else None

    async def post_of(self, case_id: int) -> int | None:
        async with self.db.read() as session:
            return (await self._row(session, case_id)).post_id

    async def pending_timers(self) -> list[Case]:
        """Cases with an escalation or a follow-up still to come (the scheduler is rebuilt from these)."""
        async with self.db.read() as session:
            rows = await session.scalars(
                select(CareCase).where(
                    CareCase.status.in_((OPEN, CLAIMED)),
                    (CareCase.escalate_at.is_not(None)) | (CareCase.follow_up_at.is_not(None)),
                )
            )
            return [_case(row) for row in rows]

    async def open_case_ages(self, now: datetime) -> list[tuple[str, float]]:
        """For the operator's metrics (bot/metrics.py): each open case's state and age, nothing else."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(CareCase.status, CareCase.escalated_at, CareCase.opened_at).where(
                    CareCase.status.in_((OPEN, CLAIMED))
                )
            )
            return [
                (domain.metrics_state(status, escalated_at), (now - opened_at).total_seconds())
                for status, escalated_at, opened_at in rows
            ]

    async def open_cases(self, actor: Actor) -> list[Case]:
        """Open and claimed cases this person may handle, most pressing first (severity, then age)."""
        async with self.db.read() as session:
            rows = list(
                await session.scalars(
                    select(CareCase).where(CareCase.guild_id == actor.guild_id, CareCase.status.in_((OPEN, CLAIMED)))
                )
            )
            mine = [row for row in rows if await self._may_handle(session, row, actor)]
        order = domain.queue_order([(r.id, r.severity, r.opened_at) for r in mine])
        by_id = {r.id: _case(r) for r in mine}
        return [by_id[i] for i in order]

    async def add_alert(self, case_id: int, channel_id: int, message_id: int) -> None:
        async with self.db.write() as session:
            session.add(CareAlert(case_id=case_id, channel_id=channel_id, message_id=message_id))

    async def alerts(self, case_id: int) -> list[tuple[int, int]]:
        """Every message carrying the case's card (see ``card_messages``)."""
        async with self.db.read() as session:
            return [
                (channel_id, message_id) for _case, channel_id, message_id in await card_messages(session, [case_id])
            ]

    async def set_automatic(self, actor: Actor, on: bool) -> None:
        async with self.db.write() as session:
            pref = await session.get(CarePreference, (actor.user_id, actor.guild_id), with_for_update=True)
            if pref is None:
                pref = CarePreference(user_id=actor.user_id, guild_id=actor.guild_id, seen_disclosure=True)
                session.add(pref)
            pref.automatic = on

    async def figures(self, actor: Actor, now: datetime, days: int = 90) -> domain.Figures:
        """Server-wide time-to-claim and time-to-contact for admins; never per member or per handler."""
        if not actor.is_admin:
            raise NotAllowed("Only server admins (Manage Server) can see the server's care figures.")
        since = now - timedelta(days=days)
        async with self.db.read() as session:
            rows: Sequence[CareCase] = list(
                await session.scalars(
                    select(CareCase).where(
                        CareCase.guild_id == actor.guild_id, CareCase.status != OFFERED, CareCase.opened_at >= since
                    )
                )
            )
        return domain.figures(
            [r.opened_at for r in rows],
            [(r.opened_at, r.claimed_at) for r in rows if r.claimed_at],
            [(r.opened_at, r.contact_at) for r in rows if r.contact_at],
            sum(1 for r in rows if r.escalated_at),
        )

    async def purge(self, now: datetime) -> int:
        """Retention: unanswered offers after a day; closed cases (and their notes) after CLOSED_CASE_DAYS."""
        async with self.db.write() as session:
            gone = await session.execute(
                delete(CareCase).where(
                    ((CareCase.status == OFFERED) & (CareCase.opened_at < now - domain.OFFER_LIFETIME))
                    | (
                        (CareCase.status == CLOSED)
                        & (CareCase.closed_at < now - timedelta(days=domain.CLOSED_CASE_DAYS))
                    )
                )
            )
            return int(gone.rowcount or 0)  # type: ignore[attr-defined]
