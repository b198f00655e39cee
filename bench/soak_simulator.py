"""Keeps the simulator's own memory flat during a soak, so resident memory measures Hearth.

SimCord plays Discord inside the soak's process and, as shipped, keeps everything it ever saw: every
message in every channel, every interaction record (with its token), every snowflake it handed out,
plus a request log and a transcript. Over a ten-minute soak that grew resident memory ~155 MiB/hour,
while Hearth's own objects grew ~1 MiB/hour. ``SimulatorPruner`` drops, as the run goes, what neither
the bot nor the invariants can still need:

- the request log and transcript (diagnostics only);
- interaction records 15 minutes past their expiry (Discord refuses their tokens after 15 minutes, and
  SimCord already answers them "Unknown interaction"; dropping them changes no answer);
- the snowflake bookkeeping of past milliseconds (virtual time only moves forward);
- messages older than ``keep`` (virtual time), except each active channel's last ``keep_last`` (what the
  driver reads: ``last_message``, the cards it presses). Before a message goes, ``on_prune`` sees it, so
  the invariants can count what they need (reminders received) as they go, and its id is kept in a
  sorted array of 8 bytes a message, so "does Discord still have this message?" stays answerable.

Dropping a message the bot later asks for would change the bot's behaviour (a 404 instead of an edit):
``touched`` counts every such request, and the soak fails its run if it is not zero.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from simcord.backend import errors

DISCORD_EPOCH_MS = 1420070400000
INTERACTION_LIFETIME = timedelta(minutes=15)


def snowflake_ms(snowflake: int) -> int:
    """Unix milliseconds a Discord id was made at."""
    return (snowflake >> 22) + DISCORD_EPOCH_MS


class SimulatorPruner:
    def __init__(
        self,
        backend: Any,
        *,
        keep: timedelta,
        keep_last: int = 30,
        on_prune: Callable[[int, Any], None] | None = None,
    ) -> None:
        self.backend = backend
        self.keep = keep
        self.keep_last = keep_last
        self.on_prune = on_prune
        self.gone = array("Q")  # ids of messages pruned (not deleted): sorted
        self.messages_pruned = 0
        self.interactions_pruned = 0
        self.touched = 0  # the bot asked for a message the pruner dropped
        self.touched_what: list[str] = []  # what each was (first few): to tell which keep rule was too short
        self._get_message = backend.get_message
        backend.get_message = self._guarded_get_message  # the instance's own, for this run only

    def uninstall(self) -> None:
        if self.backend.__dict__.get("get_message") == self._guarded_get_message:
            del self.backend.get_message

    def _guarded_get_message(self, channel_id: int, message_id: int) -> Any:
        try:
            return self._get_message(channel_id, message_id)
        except errors.BackendError:
            if self.pruned(message_id):
                self.touched += 1
                if len(self.touched_what) < 10:
                    channel = self.backend.channels.get(channel_id)
                    kind = getattr(getattr(channel, "type", None), "name", str(getattr(channel, "type", "?")))
                    age = (self.backend.clock.now().timestamp() * 1000 - snowflake_ms(message_id)) / 3_600_000
                    self.touched_what.append(f"a message in a {kind} channel, {age:.1f} virtual hours old")
            raise

    def pruned(self, message_id: int) -> bool:
        index = bisect_left(self.gone, message_id)
        return index < len(self.gone) and self.gone[index] == message_id

    def exists(self, channel_id: int, message_id: int) -> bool:
        """Whether Discord has this message: still held, or only pruned from the simulator's memory."""
        return message_id in self.backend.messages.get(channel_id, {}) or self.pruned(message_id)

    def prune(self, now: datetime) -> None:
        backend = self.backend
        backend.http_requests.clear()
        backend.transcript.clear()
        now_ms = int(now.timestamp() * 1000)
        # Interactions: Discord forgets them once their 15-minute token has expired.
        stale = now - INTERACTION_LIFETIME * 2
        for interaction_id in [i for i in backend.interactions if snowflake_ms(i) < stale.timestamp() * 1000]:
            record = backend.interactions.pop(interaction_id)
            backend.interaction_tokens.pop(record.token, None)
            self.interactions_pruned += 1
        # Snowflakes: the sequence per millisecond and the ids handed out, for milliseconds long past.
        past = now_ms - 60_000 - DISCORD_EPOCH_MS
        backend._sequences = {ms: n for ms, n in backend._sequences.items() if ms >= past}
        backend._reserved_ids = {i for i in backend._reserved_ids if (i >> 22) >= past}
        # Messages older than ``keep``, but not the last few of a channel still in use.
        cutoff_ms = now_ms - int(self.keep.total_seconds() * 1000)
        dropped: list[int] = []
        for channel_id, store in backend.messages.items():
            if not store:
                continue
            ids = sorted(store)
            active = snowflake_ms(ids[-1]) >= cutoff_ms
            candidates = ids[: -self.keep_last] if active and self.keep_last else ids
            for message_id in candidates:
                if snowflake_ms(message_id) >= cutoff_ms:
                    break
                message = store.pop(message_id)
                if self.on_prune is not None:
                    self.on_prune(channel_id, message)
                dropped.append(message_id)
        if dropped:
            self.messages_pruned += len(dropped)
            self.gone = array("Q", sorted([*self.gone, *dropped]))

    def sizes(self) -> dict[str, int]:
        """How many entries each of SimCord's stores holds (shown in the report: none may keep growing)."""
        backend = self.backend
        return {
            "messages": sum(len(store) for store in backend.messages.values()),
            "channels": len(backend.channels),
            "users": len(backend.users),
            "interactions": len(backend.interactions),
            "snowflakes": len(backend._reserved_ids),
            "pruned ids": len(self.gone),
        }
