"""Group commit: requests that arrive together share one write transaction; each gets its own answer.

SQLite has one writer, so 200 members acting at once would otherwise queue 200 transactions one
behind another (each BEGIN IMMEDIATE, a few statements and a COMMIT, every statement a thread hop
in aiosqlite). ``GroupCommit.run(request)`` queues the request; one drain task takes everything
queued (up to ``max_batch``) and hands it to ``run_batch`` as one list, which returns one answer per
request in the same order: a result, or the ``HearthError`` meant for that request alone.

Guarantees:
- A lone request costs one transaction, as without batching.
- Each caller gets only its own result or its own error.
- If a whole batch fails unexpectedly (a database error), its requests are retried one by one in
  their own transactions, so one bad request cannot fail the others.
- A caller cancelled before its request is taken into a batch is dropped: nothing is written for it.
- With a ``key``, a request whose key is already in the same batch is not passed to ``run_batch``:
  the first caller acts on it and the later one gets ``duplicate(request)`` (meetings: the same
  meeting's job twice must not hand its reminders out twice).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

from bot import outcome
from bot.errors import HearthError

log = logging.getLogger("hearth.db")

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


class GroupCommit(Generic[RequestT, ResultT]):
    def __init__(
        self,
        run_batch: Callable[[Sequence[RequestT]], Awaitable[list[ResultT | HearthError]]],
        *,
        max_batch: int = 256,
        key: Callable[[RequestT], Hashable] | None = None,
        duplicate: Callable[[RequestT], ResultT] | None = None,
    ) -> None:
        if (key is None) != (duplicate is None):
            raise ValueError("key and duplicate go together: a duplicate needs an answer")
        self._run_batch = run_batch
        self._key = key
        self._duplicate = duplicate
        self.max_batch = max_batch
        self._pending: list[tuple[RequestT, asyncio.Future[ResultT]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches: list[int] = []  # sizes of the batches run (for the benchmark and tests)

    async def run(self, request: RequestT) -> ResultT:
        loop = asyncio.get_running_loop()
        busy = bool(self._pending) or (self._drainer is not None and not self._drainer.done())
        # The caller's interaction (if any) is answered before it queues, as before any write; the
        # drainer runs in a context of its own, so one caller's interaction never speaks for the others.
        await outcome.before_wait(contended=busy)
        future: asyncio.Future[ResultT] = loop.create_future()
        entry = (request, future)
        self._pending.append(entry)
        if self._drainer is None or self._drainer.done():
            self._drainer = loop.create_task(self._drain(), context=contextvars.Context())
        try:
            result = await future
            outcome.note_saved()
            return result
        except asyncio.CancelledError:
            # Not yet taken into a batch: drop it, so nothing is written for a caller who is gone.
            if entry in self._pending:
                self._pending.remove(entry)
            raise

    async def _drain(self) -> None:
        batch: list[tuple[RequestT, asyncio.Future[ResultT]]] = []
        try:
            while self._pending:
                await asyncio.sleep(0)  # let the requests arriving in this same instant join the batch
                batch = [entry for entry in self._pending[: self.max_batch] if not entry[1].done()]
                del self._pending[: self.max_batch]
                if batch:
                    await self._run(batch)
                batch = []
        except BaseException:
            # The drain task itself was cancelled (shutdown): nobody will answer these callers now.
            for _, future in [*batch, *self._pending]:
                future.cancel()
            self._pending.clear()
            raise

    async def _run(self, batch: list[tuple[RequestT, asyncio.Future[ResultT]]]) -> None:
        if self._key is not None and self._duplicate is not None:
            seen: set[Hashable] = set()
            unique = []
            for request, future in batch:
                key = self._key(request)
                if key in seen:
                    _settle(future, self._duplicate(request))
                else:
                    seen.add(key)
                    unique.append((request, future))
            size, batch = len(batch), unique
        else:
            size = len(batch)
        try:
            answers = await self._run_batch([request for request, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error)
                return
            log.exception("a batch of %d writes failed; writing them one by one", len(batch))
            for entry in batch:
                await self._run([entry])
            return
        self.batches.append(size)
        if len(self.batches) > 10_000:  # a diagnostic for benchmarks and tests, not a log: keep it bounded
            del self.batches[:5_000]
        for (_, future), answer in zip(batch, answers, strict=True):
            _settle(future, answer)


def _settle(future: asyncio.Future[ResultT], answer: ResultT | Exception) -> None:
    if future.done():  # its caller was cancelled meanwhile
        return
    if isinstance(answer, Exception):
        future.set_exception(answer)
    else:
        future.set_result(answer)
