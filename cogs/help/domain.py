"""Compose /help's answers from plain data: the commands this person may use, the place, the topics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.help import HelpTopic
from cogs.help import texts

LIMIT = 2000  # Discord's content limit


@dataclass(frozen=True)
class Place:
    group: str | None  # the group whose channel this is
    member: bool  # whether this person belongs to it


@dataclass(frozen=True)
class Usable:
    """A command this person may use, as /help names it."""

    name: str  # qualified name, "facilitate round start"
    description: str


Mention = texts.Mention

#: Discord hides /facilitate behind Manage Server (bot/role_commands.py) until an admin lets a role see it.


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
        return texts.in_dm()
    by_name = {u.name: u for u in usable}
    if place is not None and place.group is not None:
        head = texts.in_group(place.group)
        wanted = [name for t in topics for name in t.in_group]
        if not place.member:
            head = texts.not_joined(place.group)
            wanted = ["group join", "group info", "group guidelines"] + [n for n in wanted if n.startswith("privacy")]
    else:
        head = texts.outside()
        wanted = ["group list", "group join"] + [name for t in topics for name in t.anywhere]
    seen: set[str] = set()
    lines = [head]
    for name in wanted:
        if name in by_name and name not in seen:
            seen.add(name)
            lines.append(texts.command_line(mention(name), by_name[name].description))
    if len(lines) == 1:
        lines.append(texts.nothing_needed(mention))
    if admin or facilitator:
        lines.append(texts.admins_note() if admin else texts.facilitators_note())
    names = ", ".join(f"`{t.name}`" for t in topics)
    lines.append(texts.more_topics(names, mention))
    for topic in topics:
        if topic.disclosure:
            lines.append(topic.disclosure)  # care's: as written, never machine-translated
            lines.extend(
                texts.command_line(mention(name), by_name[name].description)
                for name in topic.anywhere
                if name in by_name
            )
    return fit(lines, mention)


def topic_text(topic: HelpTopic, usable: Sequence[Usable], mention: Mention, known: set[str] | None = None) -> str:
    """What a feature does and who can see what, with the commands of it this person may use; ``known`` are
    every command's names, so a `/command` the text names becomes clickable."""
    mine = [u for u in usable if u.name in (*topic.in_group, *topic.anywhere)]
    known = known if known is not None else {u.name for u in usable}
    lines = [texts.topic_head(topic), texts.linked(texts.details(topic), mention, known)]
    if mine:
        lines.append(texts.you_can_use(", ".join(mention(u.name) for u in mine)))
    return fit(lines, mention)


def unknown_topic(asked: str, topics: Sequence[HelpTopic], mention: Mention) -> str:
    names = ", ".join(f"`{t.name}`" for t in topics) or None
    shown = asked if len(asked) <= 40 else asked[:40] + "…"
    return texts.unknown_topic(shown, names, mention)


def fit(lines: Sequence[str], mention: Mention) -> str:
    """Whole lines only, within Discord's limit (the last line says more exists)."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > LIMIT - 60:
            out.append(texts.and_more(mention))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
