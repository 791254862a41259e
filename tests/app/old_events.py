"""Fold the log as if some events had been recorded by an earlier version of their class."""

from __future__ import annotations

import dataclasses

from eventsourcing.persistence import Notification

from domain.application import MinhBach
from projections.derive import Deriver
from projections.replay import fold_into
from projections.state import DomainState


def fold_as_version_1(app: MinhBach, topic: str, drop: tuple[str, ...]) -> Deriver:
    """Every event of ``topic`` stored without ``drop`` and without a class version (as
    version 1 was), then folded and derived like the projections do."""
    mapper = app.mapper
    transcoder = mapper.transcoder

    def old(notification: Notification) -> Notification:
        if notification.topic != topic:
            return notification
        state = transcoder.decode(notification.state)
        for name in (*drop, "class_version"):
            state.pop(name, None)
        return dataclasses.replace(notification, state=transcoder.encode(state))

    notifications = app.recorder.select_notifications(start=None, limit=100_000)
    folded = DomainState()
    deriver = Deriver(folded)
    deriver.derive(fold_into(folded, [old(n) for n in notifications], mapper))
    return deriver
