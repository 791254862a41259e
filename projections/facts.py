"""The derived facts a decision is checked against, for an application on its own.

``FoldedFacts`` keeps the projections' fold (``DomainState``) and derivation
(``Deriver``) in memory and catches them up to the log's head before it
answers, so a handler sees exactly what the read models derive from the same
events — not a second implementation. The HTTP service uses its live views
instead (``api.live.LiveViews``), which hold the same fold.
"""

from __future__ import annotations

import threading

from domain.application import MinhBach
from domain.policy import PoolFacts
from projections.derive import Deriver
from projections.replay import fold_log
from projections.runner import collector_paused
from projections.state import DomainState


class FoldedFacts:
    def __init__(self, app: MinhBach) -> None:
        self.app = app
        self.state = DomainState()
        self.deriver = Deriver(self.state)
        self._lock = threading.Lock()

    def pool_facts(self, servant: str, year: int, position: int) -> PoolFacts | None:
        with self._lock:
            if self.state.position < position:
                with collector_paused():
                    self.deriver.derive(fold_log(self.app, self.state, position))
            return self.deriver.pool_facts(servant, year)
