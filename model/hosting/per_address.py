"""Events per visitor's address in a sliding window (a room opened, a room code missed), kept in
this server process. An address of None (this machine itself: a presenter on their own laptop)
is never held back."""

import threading
import time
from collections import OrderedDict, deque

ADDRESSES_KEPT = 10_000  # per limit, the most recent: the memory stays bounded whoever knocks


class PerAddress:
    """How many events each address had in the last ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        events = self._events.setdefault(address, deque(maxlen=1000))
        self._events.move_to_end(address)
        while events and events[0] <= now - self.seconds:
            events.popleft()
        while len(self._events) > ADDRESSES_KEPT:
            self._events.popitem(last=False)
        return events

    def allows(self, allowed: int, address: str | None) -> bool:
        """Whether ``address`` had fewer than ``allowed`` events in the window."""
        if address is None:
            return True
        with self._lock:
            return len(self._recent(address, time.monotonic())) < allowed

    def count(self, address: str | None) -> None:
        if address is None:
            return
        with self._lock:
            now = time.monotonic()
            self._recent(address, now).append(now)
