"""What each loaded feature says in ``/help``: a ``HELP = HelpTopic(...)`` constant in the feature's
``__init__.py``, gathered by ``bot/app.py`` when the feature loads (an unloaded feature says nothing).

The help feature reads only these topics and the command tree, never a feature's internals. A topic's
``title``, ``summary`` and ``details`` are marked with ``N_`` where declared (``bot/i18n.py``) and shown
in the reader's language; `/command` written in backticks in ``details`` is shown as a clickable mention.
The ``disclosure`` is shown exactly as written (care's: never machine-translated).
A feature whose topic carries a ``disclosure`` (the care feature: what happens when someone asks for
help or a worry is raised) has it shown on every ``/help`` and in the welcome a member gets on joining a
group; its ``anywhere`` commands (``care ask``) are offered next to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HelpTopic:
    name: str  # the /help topic: value ("rounds")
    title: str  # "Sharing rounds"
    summary: str  # one short line for the topic list
    details: str  # what it does and who can see what (under 1,000 characters)
    in_group: tuple[str, ...] = ()  # commands worth showing in a group's channel ("facilitate round start")
    anywhere: tuple[str, ...] = ()  # commands worth showing everywhere else ("group join")
    disclosure: str | None = None  # shown on every /help and in the group welcome (the care feature)


class HelpTopics:
    def __init__(self) -> None:
        self._topics: dict[str, HelpTopic] = {}

    def add(self, topic: HelpTopic) -> None:
        if topic.name in self._topics:
            raise ValueError(f"help topic {topic.name!r} is already registered")
        self._topics[topic.name] = topic

    def get(self, name: str) -> HelpTopic | None:
        return self._topics.get(name.strip().lower())

    def all(self) -> list[HelpTopic]:
        return sorted(self._topics.values(), key=lambda t: t.name)

    def disclosures(self) -> list[HelpTopic]:
        return [t for t in self.all() if t.disclosure]
