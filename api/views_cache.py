"""Answers of queries over the views, kept until the views next change.

The service's own follower is the only writer of its views' version
(``Projector.views_version``): it moves after every commit and every reset, and
before the position does. A reader takes the version *after* it has waited for
its ``min_position``, then asks here; an answer kept under that version was read
after the commit that made it, so it is at least as new as the position the
reader reports, and read-your-writes holds. An answer computed while the version
moves on is kept under the version it started from, and is never handed out
again. So a listing asked many times between two commits (standings on every
page load of an agency's HR office) costs its SQL once.

Answers are lists of rows: each caller gets its own copies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

Row = dict[str, Any]
Answer = tuple[list[Row], int]  # the rows, and how many there are in all

KEPT = 256  # answers of one version; the oldest go first


class ViewsCache:
    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._version = -1
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def answer(self, version: int, key: Hashable, compute: Callable[[], Answer]) -> Answer:
        """The answer to ``key`` at views ``version``: kept, or computed and kept."""
        with self._lock:
            if version == self._version and (found := self._answers.get(key)) is not None:
                self._answers.move_to_end(key)
                self.hits += 1
                return _copied(found)
            self.misses += 1
        computed = compute()
        with self._lock:
            if version > self._version:  # the views moved on: what was kept is stale
                self._version = version
                self._answers.clear()
            if version == self._version:
                self._answers[key] = computed
                if len(self._answers) > self.kept:
                    self._answers.popitem(last=False)
        return _copied(computed)


def _copied(answer: Answer) -> Answer:
    rows, total = answer
    return [dict(row) for row in rows], total
