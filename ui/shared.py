"""What one server process keeps for every session, out of any visitor's reach.

Streamlit's ``st.cache_resource`` and ``st.cache_data`` are emptied, for everybody, by the "clear
caches" message that any browser may send (AppSession's clear_cache request). The models, the
data, the training queue and the room store live here instead: a visitor's clear empties only
that visitor's own session state.
"""

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


def kept_for_everyone(max_entries: int = 1) -> Callable[[Callable[..., Any]], Any]:
    """Decorate a function of hashable arguments: each result is computed once per server process
    and shared; the ``max_entries`` most recently used are kept. Two sessions that ask for the same
    value while it is being computed wait for that one computation; other values are not held up.
    ``function.is_kept(*arguments)`` says whether a call would be answered at once."""
    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, got {max_entries}")

    def decorate(function: Callable[..., Any]) -> Any:
        values: OrderedDict[Hashable, Any] = OrderedDict()
        computing: dict[Hashable, threading.Lock] = {}
        lock = threading.Lock()

        @functools.wraps(function)
        def kept(*arguments: Hashable) -> Any:
            with lock:
                if arguments in values:
                    values.move_to_end(arguments)
                    return values[arguments]
                this_value = computing.setdefault(arguments, threading.Lock())
            with this_value:
                with lock:
                    if arguments in values:
                        return values[arguments]
                value = function(*arguments)
                with lock:
                    values[arguments] = value
                    computing.pop(arguments, None)
                    while len(values) > max_entries:
                        values.popitem(last=False)
                return value

        def is_kept(*arguments: Hashable) -> bool:
            with lock:
                return arguments in values

        kept.is_kept = is_kept  # type: ignore[attr-defined]
        kept.forget_all = values.clear  # type: ignore[attr-defined]  # for tests
        return kept

    return decorate
