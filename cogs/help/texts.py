"""Every word /help says, in the reader's language (``bot/i18n.py``).

Each feature's topic (``bot/help.py``) is declared with ``N_`` and shown here with ``_``; a feature not yet
in the catalog reads in English. Care's disclosure is shown as written: crisis and care wording is never
machine-translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.help import HelpTopic
from bot.i18n import _

Mention = Callable[[str], str]

# `/facilitate round start` written in a topic's text: shown as a clickable mention when it names a real command.
_WRITTEN_COMMAND = re.compile(r"`/([a-z][a-z_\- ]*[a-z])`")


def linked(text: str, mention: Mention, known: set[str]) -> str:
    """A topic's text with each `/command` it names (and Hearth has) made clickable."""
    return _WRITTEN_COMMAND.sub(lambda m: mention(m[1]) if m[1] in known else m[0], text)


def title(topic: HelpTopic) -> str:
    return _(topic.title)


def summary(topic: HelpTopic) -> str:
    return _(topic.summary)


def details(topic: HelpTopic) -> str:
    return _(topic.details)


def in_dm() -> str:
    return _(
        "Hearth works inside your server, where your groups are. Open the server and type `/help` in a group's "
        "channel (or anywhere) to see what you can do there.\n"
        "Anything you tell me here in a DM is not read: I can't see messages, only commands."
    )


def in_group(group: str) -> str:
    return _("**In %(group)s** you can:", group=group)


def not_joined(group: str) -> str:
    return _("**%(group)s** is a peer group you haven't joined yet. You can:", group=group)


def outside() -> str:
    return _("**Here** you can find a group and join it. What you can do:")


def command_line(mention: str, description: str) -> str:
    return _("%(command)s — %(description)s", command=mention, description=description)


def nothing_needed(mention: Mention) -> str:
    return _("Nothing needs you right now. %(list)s shows the groups you can join.", list=mention("group list"))


def more_topics(names: str, mention: Mention) -> str:
    return _(
        "More about one part of Hearth: %(help)s with `topic` set to one of %(names)s.",
        help=mention("help"),
        names=names,
    )


def topic_head(topic: HelpTopic) -> str:
    return _("**%(title)s** — %(summary)s", title=title(topic), summary=summary(topic))


def you_can_use(mentions: str) -> str:
    return _("You can use: %(commands)s", commands=mentions)


def unknown_topic(asked: str, names: str | None, mention: Mention) -> str:
    if names is None:
        return _("I don't have a help topic called “%(asked)s”. There are no topics yet.", asked=asked)
    return _(
        "I don't have a help topic called “%(asked)s”. The topics are: %(names)s. Or use %(help)s alone.",
        asked=asked,
        names=names,
        help=mention("help"),
    )


def and_more(mention: Mention) -> str:
    return _("…and more: %(help)s with a `topic` shows each part.", help=mention("help"))


def choice(topic: HelpTopic) -> str:
    """A topic in /help's autocomplete."""
    return _("%(name)s: %(summary)s", name=topic.name, summary=summary(topic))


def admins_note() -> str:
    return _(
        "Admins: Discord shows `/facilitate` (facilitators' commands) only to admins until you let your facilitator "
        "role see it: Server Settings → Integrations → Hearth → `/facilitate` → Add Roles or Members. The same for "
        "`/mod` and your moderator role."
    )


def facilitators_note() -> str:
    return _(
        "Your facilitator commands are under `/facilitate`. If Discord doesn't offer it to you, ask a server admin "
        "to let you see it (Server Settings → Integrations → Hearth)."
    )
