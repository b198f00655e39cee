"""The soak's care cases (#11): members in distress, the people who pick their requests up, and the
invariants that say nobody in crisis was lost on the way.

Actors:
- ``care_case``: a member checks in with words of crisis (urgent) or the lowest mood (gentle); when
  care answers privately, they mostly ask for someone to reach out (consent), sometimes say they're okay.
- ``care_claim``: the group's facilitator picks up a request from the card in their DMs; when the
  request already went to the moderator queue, the facilitator and a moderator often both press
  "I'll reach out" on the same case at the same virtual moment. Some claimed cases are closed.

Invariants (read from the case table, what the driver saw, and what SimCord holds):
- every consent opened a case; every case has at most one owner, and only one person was told "It's yours";
- a case nobody claimed before its deadline reached the moderator queue within the scheduler's retry
  window of its deadline, with its card present in the queue, and its member was told gently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord
import simcord
from sqlalchemy import select

from bot.db.models import DeliveryRecord
from bot.scheduler import RETRY_DELAYS
from cogs.care.domain import Severity, escalation_due
from cogs.care.models import CareCase
from cogs.care.service import ESCALATION_PURPOSE, card_messages

CRISIS = "honestly I can't go on like this, I want to die"
REACH = "I'd like someone here to reach out"
OKAY = "I'm okay, thanks"
CLAIM = "I'll reach out"
# How late an escalation may come: the scheduler's whole retry window (a job that met a held lock)
# plus the soak's largest virtual-time step.
ESCALATION_SLACK = timedelta(seconds=sum(RETRY_DELAYS) + 900)
CHECKIN_FORM = ("checkin:mood", "checkin:note", "checkin:visibility")


@dataclass
class CareFigures:
    offered: int = 0
    consented: int = 0
    declined: int = 0
    claim_presses: int = 0
    races: int = 0
    closed: int = 0
    consents: list[tuple[int, int]] = field(default_factory=list)  # (guild id, member id)
    yours: Counter[int] = field(default_factory=Counter)  # case id -> people told "It's yours"


def buttons(message: Any) -> dict[str, str]:
    """label -> custom_id of a message's buttons that can be pressed."""
    found: dict[str, str] = {}
    for row in getattr(message, "components", None) or []:
        for item in getattr(row, "children", [row]):
            label, custom_id = getattr(item, "label", None), getattr(item, "custom_id", None)
            if label and custom_id and not getattr(item, "disabled", False):  # a person can't press a disabled one
                found[label] = custom_id
    return found


def _case_id(custom_id: str) -> int:
    return int(custom_id.split(":")[2])


def _said(result: simcord.InteractionResult) -> str:
    shown = result.followups[-1] if result.followups else result.response
    return getattr(shown, "content", "") or ""


async def care_case(world: Any, server: Any) -> None:
    figures: CareFigures = world.care
    member = world.rng.choice([m for m in server.members if m.id not in server.quiet])
    urgent = world.rng.random() < 0.6
    shown = await member.slash(server.group.channel, "checkin now")
    if shown.modal is None:
        return
    mood, note, seen = CHECKIN_FORM
    values = {mood: ["3" if urgent else "1"], note: CRISIS if urgent else "", seen: ["me"]}
    done = await member.submit_modal(shown, values)
    offer = next((m for m in reversed(done.followups) if REACH in buttons(m.message)), None)
    if offer is None:
        return  # once a day (or Discord failed under it): nothing was offered
    figures.offered += 1
    if world.rng.random() < 0.15:
        await member.click(offer.message, label=OKAY)
        figures.declined += 1
        return
    figures.consents.append((server.guild.id, member.id))  # she asked; from here a person must come
    figures.consented += 1
    await member.click(offer.message, label=REACH)


def _open_cards(messages: list[Any]) -> dict[int, str]:
    """case id -> the claim button's custom id, for cards that still offer it (latest 30 messages)."""
    cards: dict[int, str] = {}
    for message in messages[-30:]:
        custom_id = buttons(message).get(CLAIM)
        if custom_id is not None:
            cards[_case_id(custom_id)] = custom_id
    return cards


async def _claim(figures: CareFigures, person: Any, message: Any, custom_id: str) -> None:
    result = await person.click(message, custom_id=custom_id)
    figures.claim_presses += 1
    if "It's yours" in _said(result):
        figures.yours[_case_id(custom_id)] += 1


async def care_claim(world: Any, server: Any) -> None:
    figures: CareFigures = world.care
    facilitator, moderator = server.facilitator, server.moderator
    dm = facilitator.user.dm_channel
    mine = dm.history() if dm is not None else []
    queued = server.queue.history()
    in_dms, in_queue = _open_cards(mine), _open_cards(queued)
    if in_dms and world.rng.random() < 0.7:
        # A close first, sometimes: the facilitator's own claimed card offers Close.
        for message in reversed(mine[-30:]):
            close = buttons(message).get("Close")
            if close is not None and world.rng.random() < 0.3:
                shown = await facilitator.user.click(message, custom_id=close)
                if shown.modal is not None:
                    await facilitator.user.submit_modal(shown, {"text": "We talked; they have a plan for tonight."})
                    figures.closed += 1
                return
    both = sorted(set(in_dms) & set(in_queue))
    if both and world.rng.random() < 0.6:
        case = world.rng.choice(both)
        dm_card = next(m for m in reversed(mine) if buttons(m).get(CLAIM) == in_dms[case])
        queue_card = next(m for m in reversed(queued) if buttons(m).get(CLAIM) == in_queue[case])
        # Both press at the same virtual moment (SimCord runs one interaction at a time, so one after the
        # other with no time between): exactly one of them may be told it's theirs.
        figures.races += 1
        await _claim(figures, facilitator.user, dm_card, in_dms[case])
        await _claim(figures, moderator, queue_card, in_queue[case])
        return
    if in_dms:
        case = world.rng.choice(sorted(in_dms))
        card = next(m for m in reversed(mine) if buttons(m).get(CLAIM) == in_dms[case])
        await _claim(figures, facilitator.user, card, in_dms[case])
    elif in_queue:
        case = world.rng.choice(sorted(in_queue))
        card = next(m for m in reversed(queued) if buttons(m).get(CLAIM) == in_queue[case])
        await _claim(figures, moderator, card, in_queue[case])


async def care_cases_reach_a_person(world: Any) -> str:
    figures: CareFigures = world.care
    now = world.clock.now()
    queues = {s.guild.id: s.queue.id for s in world.servers}
    async with world.bot.db.read() as session:
        cases = list(await session.scalars(select(CareCase).order_by(CareCase.id)))
        # Every message carrying a case's card: posted directly, or an escalation the delivery record sent.
        cards = await card_messages(session, [c.id for c in cases])
        # Escalation cards still with the delivery record (retrying after an injected 500/429): not lost.
        waiting = set(
            await session.scalars(
                select(DeliveryRecord.ref).where(
                    DeliveryRecord.purpose == ESCALATION_PURPOSE, DeliveryRecord.state == "pending"
                )
            )
        )
    asked = [c for c in cases if c.status != "offered"]
    # Every consent the driver saw opened a case for that member (a consent whose click failed under an
    # injected error may not have: those members saw an error and may ask again; counted, not failed).
    opened = Counter((c.guild_id, c.member_id) for c in asked)
    unopened = sum((Counter(figures.consents) - opened).values())
    owners_told_twice = [case_id for case_id, n in figures.yours.items() if n > 1]
    late, never, no_card = [], [], []
    lateness: list[float] = []
    queue_cards = {(case_id, channel_id): message_id for case_id, channel_id, message_id in cards}
    for case in asked:
        # The soak keeps the default deadlines (10 minutes urgent, 6 hours gentle); escalation clears escalate_at.
        deadline = escalation_due(case.opened_at, Severity(case.severity), urgent_minutes=None, gentle_minutes=None)
        if deadline > now - ESCALATION_SLACK:
            continue  # too close to the end to judge
        if case.claimed_at is not None and case.claimed_at <= deadline:
            continue  # someone had it in time
        if case.closed_at is not None and case.closed_at <= deadline:
            continue
        if case.escalated_at is None:
            never.append(case.id)
            continue
        lateness.append((case.escalated_at - deadline).total_seconds())
        if case.escalated_at - deadline > ESCALATION_SLACK:
            late.append(case.id)
        alert = (case.id, queues.get(case.guild_id))
        if alert not in queue_cards:
            if str(case.id) not in waiting:
                no_card.append(case.id)
            continue
        if not world.message_exists(alert[1], queue_cards[alert]):
            no_card.append(case.id)
    status = Counter(c.status for c in cases)
    figures_text = (
        f"{figures.offered} offers, {figures.consented} consents, {figures.declined} okay; cases "
        f"{dict(status)}; {figures.claim_presses} claim presses ({figures.races} races), "
        f"{sum(figures.yours.values())} claims won, {figures.closed} closed; {len(lateness)} escalated, "
        f"latest {max(lateness, default=0) / 60:.1f} min after its deadline; {unopened} consents "
        "without a case (the click met an injected error)"
    )
    if owners_told_twice or late or never or no_card:
        return (
            f"FAILED: {len(owners_told_twice)} cases told two people 'It's yours', {len(never)} unclaimed past "
            f"their deadline never escalated, {len(late)} escalated later than {ESCALATION_SLACK}, "
            f"{len(no_card)} escalated without a card in the queue ({figures_text})"
        )
    if not asked:
        return f"FAILED: no care case was opened, nothing was checked ({figures_text})"
    return f"ok ({figures_text})"


async def set_up_care(world: Any, server: Any) -> None:
    """A moderator role, a private moderator queue, and an admin who points /setup at them."""
    guild = server.guild
    moderators = guild.create_role("Moderators")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    everyone = guild.roles["@everyone"]
    server.queue = guild.create_text_channel(
        "mod-queue",
        overwrites={
            everyone: discord.PermissionOverwrite(view_channel=False),
            moderators: discord.PermissionOverwrite(view_channel=True),
            admins: discord.PermissionOverwrite(view_channel=True),
            world.bot.user: discord.PermissionOverwrite(view_channel=True),
        },
    )
    server.moderator = guild.add_member(world.env.create_user(f"mod{guild.id % 1000}"), roles=[moderators])
    admin = guild.add_member(world.env.create_user(f"admin{guild.id % 1000}"), roles=[admins])
    await admin.slash(server.group.channel, "setup", moderator_role=moderators, mod_queue=server.queue)
