"""The demo world's time: just after the demo year, so results dated in December
are accepted — and running on from wherever the log left off, so a restarted
demo never records a moment earlier than one it has already recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.application import Clock, MinhBach, utc_now

DEMO_YEAR = 2026
DEMO_CLOCK_AT = datetime(DEMO_YEAR + 1, 1, 10, 9, 0, tzinfo=UTC)


def demo_clock(resume_from: datetime | None = None, started: datetime | None = None) -> Clock:
    """A clock that reads ``DEMO_CLOCK_AT`` — or ``resume_from`` when that is later —
    at ``started`` (default: now), and runs on at the real clock's pace."""
    origin = max(DEMO_CLOCK_AT, resume_from) if resume_from else DEMO_CLOCK_AT
    start = started or utc_now()
    return lambda: origin + (utc_now() - start)


def resume_demo_clock(app: MinhBach) -> None:
    """Set ``app``'s clock to the demo's, resumed from the newest recorded time."""
    app.clock = demo_clock(app.newest_recorded_time())
