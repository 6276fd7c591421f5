"""A least-recently-used cache bounded by bytes, not by entries (docs/security.md, "Memory").

``functools.lru_cache(maxsize=N)`` bounds the number of entries, not their size: N huge keys
(a 4 MB "score") keep N × 4 MB alive for the life of the process. Here every entry is charged
its estimated size (``sizeof(args, value)``); the oldest entries are dropped until the total is
under ``max_bytes``, and an entry larger than the whole budget is computed but never stored.
Exceptions are never cached. Pure Python (the rulebook imports nothing from Django).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any


def shallow_size(args: tuple, value: object) -> int:
    """Key and value as Python objects (right for strings, numbers and Decimals)."""
    return sys.getsizeof(args) + sum(sys.getsizeof(a) for a in args) + sys.getsizeof(value)


class ByteBoundedCache:
    def __init__(self, max_bytes: int, sizeof: Callable[[tuple, Any], int] = shallow_size):
        self.max_bytes = max_bytes
        self._sizeof = sizeof
        self._entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self.bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: tuple) -> bool:
        return key in self._entries

    def get(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            self._entries.move_to_end(key)
            return True, entry[0]

    def put(self, key: tuple, value: Any, size: int | None = None) -> None:
        """Store ``value`` under ``key``, charged ``size`` bytes (default: the cache's estimate)."""
        size = self._sizeof(key, value) if size is None else size
        if size > self.max_bytes:
            return  # larger than the whole budget: never kept
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            while self._entries and self.bytes + size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
            self._entries[key] = (value, size)
            self.bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


def bounded_cache(max_bytes: int, sizeof: Callable[[tuple, Any], int] = shallow_size):
    """Decorator: memoize a function of hashable positional arguments within ``max_bytes``."""

    def decorate(func):
        cache = ByteBoundedCache(max_bytes, sizeof)

        @wraps(func)
        def wrapper(*args):
            found, value = cache.get(args)
            if found:
                return value
            value = func(*args)  # an exception propagates and nothing is stored
            cache.put(args, value)
            return value

        wrapper.cache = cache
        wrapper.cache_clear = cache.clear
        return wrapper

    return decorate
