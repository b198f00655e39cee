"""Compose /help's answers from plain data: the commands this person may use, the place, the topics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.help import HelpTopic

LIMIT = 2000  # Discord's content limit


@dataclass(frozen=True)
class Place:
    group: str | None  # the group whose channel this is
    member: bool  # whether this person belongs to it


@dataclass(frozen=True)
class Usable:
    """A command this person may use, as /help names it."""

    name: str  # qualified name, "round start"
    description: str


Mention = Callable[[str], str]

#: Discord hides /facilitate behind Manage Server (bot/role_commands.py) until an admin lets a role see it.
ADMINS_NOTE = (
    "Admins: Discord shows `/facilitate` (facilitators' commands) only to admins until you let your facilitator "
    "role see it: Server Settings → Integrations → Hearth → `/facilitate` → Add Roles or Members. The same for "
    "`/mod` and your moderator role."
)
FACILITATORS_NOTE = (
    "Your facilitator commands are under `/facilitate`. If Discord doesn't offer it to you, ask a server admin "
    "to let you see it (Server Settings → Integrations → Hearth)."
)


def overview(
    place: Place | None,
    usable: Sequence[Usable],
    topics: Sequence[HelpTopic],
    mention: Mention,
    *,
    in_dm: bool = False,
    admin: bool = False,
    facilitator: bool = False,
) -> str:
    """A few short lines: what this person can do here, then the topics and the care disclosure."""
    if in_dm:
        return (
            "Hearth works inside your server, where your groups are. Open the server and type `/help` "
            "in a group's channel (or anywhere) to see what you can do there.\n"
            "Anything you tell me here in a DM is not read: I can't see messages, only commands."
        )
    by_name = {u.name: u for u in usable}
    if place is not None and place.group is not None:
        head = f"**In {place.group}** you can:"
        wanted = [name for t in topics for name in t.in_group]
        if not place.member:
            head = f"**{place.group}** is a peer group you haven't joined yet. You can:"
            wanted = ["group join", "group info", "group guidelines"] + [n for n in wanted if n.startswith("privacy")]
    else:
        head = "**Here** you can find a group and join it. What you can do:"
        wanted = ["group list", "group join"] + [name for t in topics for name in t.anywhere]
    seen: set[str] = set()
    lines = [head]
    for name in wanted:
        if name in by_name and name not in seen:
            seen.add(name)
            lines.append(f"{mention(name)} — {by_name[name].description}")
    if len(lines) == 1:
        lines.append("Nothing needs you right now. `/group list` shows the groups you can join.")
    if admin or facilitator:
        lines.append(ADMINS_NOTE if admin else FACILITATORS_NOTE)
    names = ", ".join(f"`{t.name}`" for t in topics)
    lines.append(f"More about one part of Hearth: `/help topic:` with one of {names}.")
    for topic in topics:
        if topic.disclosure:
            lines.append(topic.disclosure)
            lines.extend(f"{mention(name)} — {by_name[name].description}" for name in topic.anywhere if name in by_name)
    return fit(lines)


def topic_text(topic: HelpTopic, usable: Sequence[Usable], mention: Mention) -> str:
    """What a feature does and who can see what, with the commands of it this person may use."""
    mine = [u for u in usable if u.name in (*topic.in_group, *topic.anywhere)]
    lines = [f"**{topic.title}** — {topic.summary}", topic.details]
    if mine:
        lines.append("You can use: " + ", ".join(mention(u.name) for u in mine))
    return fit(lines)


def unknown_topic(asked: str, topics: Sequence[HelpTopic]) -> str:
    names = ", ".join(f"`{t.name}`" for t in topics) or "none yet"
    shown = asked if len(asked) <= 40 else asked[:40] + "…"
    return f"I don't have a help topic called “{shown}”. The topics are: {names}. Or type `/help` alone."


def fit(lines: Sequence[str]) -> str:
    """Whole lines only, within Discord's limit (the last line says more exists)."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > LIMIT - 60:
            out.append("…and more: `/help topic:` shows each part.")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
