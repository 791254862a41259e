"""The base every aggregate of the domain stands on.

Every event carries who recorded it (``actor``, ``actor_role``), the document
it rests on (``source_ref``) and, as the library's ``timestamp``, the recorded
time taken from the application's injected clock.

Event classes follow the library's classic style: an explicit ``TOPIC`` (so a
renamed class never breaks loading old events) and an ``apply`` method that
only assigns state. Validation happens in the application before an event is
triggered, because ``apply`` is replayed on every load.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import AggregateCreated, AggregateEvent, BaseAggregate

__all__ = ["AggregateCreated", "Audited", "stable_id"]

from domain.actors import CommandContext

A = TypeVar("A", bound="Audited")

_NAMESPACE = uuid5(NAMESPACE_URL, "https://minhbach.gov.vn/ids")


def stable_id(kind: str, *natural_key: str) -> UUID:
    """Deterministic aggregate id from a kind and a natural key (codes, periods).

    Natural keys make import files readable and make a duplicate registration
    collide in the store instead of creating a second record.
    """
    return uuid5(_NAMESPACE, "/".join((kind, *natural_key)))


class Audited(BaseAggregate[UUID]):
    """Aggregate whose every event records actor, role and source document.

    It stands on ``BaseAggregate`` rather than ``Aggregate`` so that no
    implicit, topic-less ``Created`` class is inherited: each aggregate names
    its own first event (``Registered``, ``Assigned``…) with an explicit topic.
    """

    class Event(AggregateEvent):
        actor: str
        actor_role: str
        source_ref: str | None

    @staticmethod
    def audit(ctx: CommandContext, at: datetime) -> dict[str, Any]:
        """The keyword arguments every event of the domain needs."""
        return {
            "timestamp": at,
            "actor": ctx.actor.id,
            "actor_role": ctx.actor.role.value,
            "source_ref": ctx.source_ref,
        }

    @classmethod
    def start(
        cls: type[A],
        event_class: type[Any],
        aggregate_id: UUID,
        ctx: CommandContext,
        at: datetime,
        **facts: Any,
    ) -> A:
        """Create the aggregate with its first event."""
        return cls._create(event_class, id=aggregate_id, **cls.audit(ctx, at), **facts)

    def record(
        self, event_class: type[Any], ctx: CommandContext, at: datetime, **facts: Any
    ) -> None:
        """Trigger one more event on this aggregate."""
        self.trigger_event(event_class, **self.audit(ctx, at), **facts)
