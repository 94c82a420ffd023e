"""How many messages the Rasa server works on at once: a few, first come first served.

Rasa handles each message as a task on one event loop. The NLU and the policies run
without yielding; a message yields at each await (tracker store, lock, action server)
and then queues behind every other task that is ready. With 50 residents sending at
once, 50 messages share the loop, and a step of the dates conversation, which waits
on the action server two or three times, queues behind all the others each time: at
50 residents the slowest 1% took 2.8 times the median (bench/RESULTS.md). Admitting a
few messages at a time, in order of arrival, lets the ones in progress finish: the
same work in the same time (the server is CPU-bound), but each message waits for its
turn once, at the door, instead of at every await. Enough messages are in progress
to keep the CPU busy while one waits for the action server or the database.

A message keeps its slot for HOLD_SECONDS at most: one stuck on a hung action server
or database holds up the others no longer than that (an FAQ still does not wait for
the action server's timeout), and goes on without its slot until its own timeout. The wait at the door counts
towards the answer timeout (``handle_within``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# Messages in progress at once. Measured at 50 residents (bench/RESULTS.md): the
# slowest 1% took 1.1 s with 4 (2: 1.1 s, 8: 1.4 s, no limit: 1.6 s), the same
# throughput.
IN_PROGRESS = 4
# Longer than a message takes in progress under load (tens of milliseconds); a
# message still going after this is waiting for something else than the CPU.
HOLD_SECONDS = 0.5


class Admission:
    """Admits ``slots`` holders at once, in order of arrival, each for a limited time.

    Unlike ``asyncio.Semaphore`` a slot goes back after ``hold_seconds`` even if its
    holder is still going, and nothing is bound to one event loop (the process-wide
    instance serves whichever loop runs the server). A released slot is handed to
    the longest waiter directly, so a newcomer never takes it first.
    """

    def __init__(self, slots: int, hold_seconds: float) -> None:
        """Admit at most ``slots`` holders (at least 1), each for ``hold_seconds``."""
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self._free = slots
        self._hold_seconds = hold_seconds
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        """Holders waiting for a slot now."""
        return sum(not turn.done() for turn in self._waiting)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a slot behind everyone who came earlier; hold it for the block.

        The slot goes back when the block ends, or after ``hold_seconds`` if that
        comes first (the block then goes on without it).
        """
        await self._take()
        returned = False

        def give_back() -> None:
            nonlocal returned
            if not returned:
                returned = True
                self._release()

        timer = asyncio.get_running_loop().call_later(self._hold_seconds, give_back)
        try:
            yield
        finally:
            timer.cancel()
            give_back()

    async def _take(self) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                # The slot was handed over just as the waiter was cancelled.
                self._release()
            raise

    def _release(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():  # a cancelled waiter's turn is done
                turn.set_result(None)
                return
        self._free += 1


_shared: Admission | None = None


def messages_in_progress() -> Admission:
    """The one admission of this process, shared by the REST and LINE channels."""
    global _shared
    if _shared is None:
        _shared = Admission(IN_PROGRESS, HOLD_SECONDS)
    return _shared
