"""The privacy protocol every feature implements: count, export and erase what it holds about one person.

``/privacy info|export|delete`` walk the registered providers. There is one counting: a provider's
``counts`` says how many records of each kind it holds (a ``Tally``), and the same tallies are what
/privacy info lists, what the export's summary holds (each tally's ``key`` names the list of those very
records in the provider's export) and what the erase reply says it removed (counted inside the erase's
own transaction, just before erasing).

Erasing runs every provider in one transaction, so a failure part-way erases nothing. What has to
happen on Discord (deleting a check-in card, rewriting a moderator card) is written into that same
transaction through ``Erasure.delete_message``/``edit_message`` as durable delivery records
(``bot/delivery.py``): the clean-up happens only if the erase commits, and still happens after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.i18n import _, ngettext, number, plural
from bot.keys import Keyring

if TYPE_CHECKING:
    from bot.db.models import DeliveryRecord
    from bot.delivery import Deliveries


@dataclass(frozen=True)
class Subject:
    """Whose data: a Discord user id, plus the keys to find their pseudonymous records."""

    user_id: int
    keys: Keyring


@dataclass(frozen=True)
class Tally:
    """How many records of one kind a provider holds about a person."""

    key: str  # the list in the provider's export that holds exactly these records
    # What a person reads, singular and plural English msgids with %(count)s, marked with ``bot.i18n.plural``:
    # plural("%(count)s check-in", "%(count)s check-ins"); shown in the reader's language by CLDR's rule.
    label: tuple[str, str]
    count: int

    def line(self) -> str:
        return ngettext(*self.label, self.count, count=number(self.count))


@dataclass(frozen=True)
class Cleanup:
    """A Discord message the erase deletes or rewrites, and how the member would name it."""

    record: DeliveryRecord
    what: str  # e.g. N_("check-in card"), translated when shown: never the member's words


@dataclass(frozen=True)
class KeepChoice:
    """A choice /privacy delete offers: keep some records for the group, with every link to the member cut,
    instead of removing them (the default). A provider offering one sets ``keep_choice``; the confirmation
    offers it only to a member holding some of ``offered_for``, and ``Erasure.chose(choice)`` tells the
    provider's erase what the member picked."""

    key: str  # stable id, e.g. "anonymous_text"
    option: str  # N_: what the member picks, e.g. N_("Keep my anonymous posts' words")
    explained: str  # N_: one sentence at confirmation: what stays, and that it can't be deleted afterwards
    offered_for: tuple[str, ...]  # tally keys: offered when the member has any of these
    keeps: tuple[str, ...]  # tally keys the erase reply lists as kept when chosen


@dataclass
class Erasure:
    """One /privacy delete: the member's choice, and the Discord clean-up it records."""

    now: datetime | None = None  # from the bot's clock; None only for a caller with no clock (tests)
    deliveries: Deliveries | None = None
    # The member's choices when confirming (``KeepChoice.key``): records kept, with every link to them cut.
    keeps: frozenset[str] = frozenset()
    # When the sender loop may take the clean-ups up: the caller tries them itself first (so it can say how
    # it went) and the loop, racing it, would blur that; None is at once.
    cleanup_due: datetime | None = None
    cleanups: list[Cleanup] = field(default_factory=list)
    # Tally keys kept, unlinked from the member, by their choice (not erased), by provider name.
    kept: dict[str, set[str]] = field(default_factory=dict)
    # What was left on purpose or could not be reached, in words the member reads (never their words).
    notes: list[str] = field(default_factory=list)

    def chose(self, choice: KeepChoice, provider: str) -> bool:
        """Whether the member chose to keep ``choice``; if so, the reply lists its tallies as kept."""
        if choice.key not in self.keeps:
            return False
        self.kept.setdefault(provider, set()).update(choice.keeps)
        return True

    def delete_message(
        self, session: AsyncSession, channel_id: int, message_id: int, *, what: str, purpose: str, guild_id: int | None
    ) -> None:
        """Delete a message Hearth posted, once the erase commits (no user id is kept on the record)."""
        from bot.delivery import Delivery  # bot.delivery imports this module

        self._enqueue(
            session,
            Delivery.delete(channel_id, message_id, purpose=purpose, guild_id=guild_id, due_at=self.cleanup_due),
            what,
        )

    def edit_message(
        self,
        session: AsyncSession,
        channel_id: int,
        message_id: int,
        content: str,
        *,
        what: str,
        purpose: str,
        guild_id: int | None,
        view: str | None = None,
        refresh: str | None = None,
    ) -> None:
        """Rewrite a message Hearth posted (a moderator's card), once the erase commits. ``view``: a view key
        registered with the sender, for a card whose buttons change too (None keeps its buttons); ``refresh``
        names a refresher the feature registered with the Discord sender (``register_refresh``) for a message a
        plain content edit can't rewrite (an embed card, rebuilt from the database when sent)."""
        from bot.delivery import Delivery

        edit = Delivery.edit(
            channel_id,
            message_id,
            content,
            purpose=purpose,
            guild_id=guild_id,
            view=refresh or view,
            due_at=self.cleanup_due,
        )
        self._enqueue(session, edit, what)

    def _enqueue(self, session: AsyncSession, delivery: Any, what: str) -> None:
        if self.deliveries is None:
            self.notes.append(
                _(
                    "Still on Discord: %(what)s (Hearth can't send clean-ups right now; ask a moderator).",
                    what=_(what),
                )
            )
            return
        self.cleanups.append(Cleanup(self.deliveries.enqueue(session, delivery), what))


async def count_each(session: AsyncSession, *counts: Select[Any]) -> list[int]:
    """Several ``select(func.count())...`` in one statement: /privacy info asks every feature at once, so
    each provider's counting is one round trip, not one per kind of record."""
    row = (await session.execute(select(*(count.scalar_subquery() for count in counts)))).one()
    return [int(value or 0) for value in row]


@runtime_checkable
class PrivacyProvider(Protocol):
    """A feature's data about people. A provider may also set ``keep_choice`` (a ``KeepChoice``): then
    /privacy delete offers to keep those records unlinked instead of removing them (``Erasure.chose``)."""

    #: A short plural noun for the kind of data, e.g. N_("check-ins") (``bot.i18n.N_``: shown translated).
    name: str
    #: One sentence, marked with N_: what is stored and why, shown by /privacy info even when the person has none.
    purpose: str

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        """How many records of each kind are held about this person (zero tallies may be left out)."""
        ...

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        """Everything held about this person, JSON-serialisable; each tally's key is a list here."""
        ...

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        """Delete (or unlink) everything ``counts`` counted; record Discord clean-ups on ``erasure``."""
        ...


class LegacyProvider(Protocol):
    """The earlier shape (describe lines, erase returning a number), still accepted while features move."""

    name: str
    purpose: str

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]: ...

    async def export(self, session: AsyncSession, subject: Subject) -> Any: ...

    async def erase(self, session: AsyncSession, subject: Subject) -> int: ...


AnyProvider = PrivacyProvider | LegacyProvider


@dataclass(frozen=True)
class Holding:
    """What one feature holds about a person: its tallies (plus free lines from a legacy provider)."""

    name: str
    purpose: str
    tallies: list[Tally]
    lines: list[str] = field(default_factory=list)

    def described(self) -> list[str]:
        return [t.line() for t in self.tallies if t.count] + self.lines


def _counted(provider: AnyProvider) -> bool:
    return hasattr(provider, "counts")


async def described(session: AsyncSession, provider: AnyProvider, subject: Subject) -> list[str]:
    """The lines /privacy info shows for one provider (for tests of a single provider)."""
    return (await hold(session, provider, subject)).described()


async def hold(session: AsyncSession, provider: AnyProvider, subject: Subject) -> Holding:
    if _counted(provider):
        tallies = await provider.counts(session, subject)  # type: ignore[union-attr]
        return Holding(provider.name, provider.purpose, [t for t in tallies if t.count])
    lines = await provider.describe(session, subject)  # type: ignore[union-attr]
    return Holding(provider.name, provider.purpose, [], lines)


@dataclass
class PrivacyRegistry:
    providers: list[AnyProvider] = field(default_factory=list)

    def register(self, provider: AnyProvider) -> None:
        if any(p.name == provider.name for p in self.providers):
            raise ValueError(f"a privacy provider named {provider.name!r} is already registered")
        self.providers.append(provider)

    def unregister(self, name: str) -> None:
        self.providers = [p for p in self.providers if p.name != name]

    def choices(self, holdings: list[Holding]) -> list[KeepChoice]:
        """The keep choices to offer someone holding ``holdings``: each only to a member who has such records."""
        by_name = {h.name: h for h in holdings}
        offered = []
        for provider in self.providers:
            choice: KeepChoice | None = getattr(provider, "keep_choice", None)
            held = by_name.get(provider.name)
            if choice and held and any(t.count and t.key in choice.offered_for for t in held.tallies):
                offered.append(choice)
        return offered

    async def describe(self, db: Database, subject: Subject) -> list[Holding]:
        async with db.read() as session:
            return [await hold(session, p, subject) for p in self.providers]

    async def export(
        self, db: Database, subject: Subject, summary: dict[str, dict[str, int]] | None = None
    ) -> dict[str, Any]:
        """Every provider's export; ``summary`` (when given) gets the counts, read in the same transaction,
        by tally key (the name of the list holding those records, in any language)."""
        async with db.read() as session:
            data: dict[str, Any] = {}
            for p in self.providers:
                data[p.name] = await p.export(session, subject)
                held = await hold(session, p, subject)
                if summary is not None and held.tallies:
                    summary[p.name] = {t.key: t.count for t in held.tallies}
            return data

    async def erase(self, db: Database, subject: Subject, erasure: Erasure | None = None) -> list[Holding]:
        """Erase everything in one transaction; returns what was counted just before, provider by provider."""
        erasure = erasure or Erasure()
        erased: list[Holding] = []
        # Later features depend on earlier ones (a check-in belongs to a group), so erase in reverse.
        async with db.write() as session:
            for p in reversed(self.providers):
                if _counted(p):
                    held = await hold(session, p, subject)
                    await p.erase(session, subject, erasure)  # type: ignore[call-arg]
                else:
                    count = await p.erase(session, subject)  # type: ignore[call-arg]
                    held = Holding(
                        p.name,
                        p.purpose,
                        [Tally("records", plural("%(count)s record", "%(count)s records"), int(count or 0))]
                        if count
                        else [],
                    )
                erased.append(held)
            await session.flush()  # the clean-up records get their ids before the commit
        erased.reverse()
        return erased
