"""Each worker's cache of search matches: a query's ordered product ids, for one catalog.

A match depends only on the catalog (never on stock), and the catalog changes only in
transactions that also raise its version (catalog_write.bump_catalog_version). A search
reads the version first and the match after it, so a match is never older than the
version it is kept under; the first search to read a newer version empties the cache.
Another worker or host learns of an import at its next search, from the same number.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app

EXTENSION = "floorapp_search_cache"


@dataclass(frozen=True)
class Match:
    """The products a search found, best first, and the one an exact code named."""

    product_ids: tuple[int, ...]
    exact_product_id: int | None


class SearchCache:
    """A least-recently-used map of (query, limit) to its Match, for one catalog version."""

    def __init__(self, entries: int):
        self.entries = entries
        self.version: int | None = None
        self._matches: OrderedDict[tuple[str, int], Match] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._matches)

    def get(self, version: int, key: tuple[str, int]) -> Match | None:
        """Return the match kept for `key` at this version, or None."""
        with self._lock:
            match = self._matches.get(key) if version == self.version else None
            if match is not None:
                self._matches.move_to_end(key)
            return match

    def put(self, version: int, key: tuple[str, int], match: Match) -> None:
        """Keep `match`, dropping every match of an older version and the least used."""
        with self._lock:
            if self.version is None or version > self.version:
                self.version = version
                self._matches.clear()
            if version != self.version:
                return  # read in an older snapshot than the cache's: not worth keeping
            self._matches[key] = match
            self._matches.move_to_end(key)
            while len(self._matches) > self.entries:
                self._matches.popitem(last=False)


def app_cache() -> SearchCache:
    """Return the current app's cache (one per worker process), made on first use."""
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(
            EXTENSION, SearchCache(int(current_app.config["SEARCH_CACHE_ENTRIES"])))
    return cache
