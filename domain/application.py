"""The application service: every command of the domain goes through
``MinhBach.execute``, which checks the rules, saves the new events atomically
(with an idempotency receipt when the caller gave a key) and answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from domain.actors import CommandContext
from domain.base import Audited
from domain.commands import Command
from domain.errors import ConcurrencyConflict, IdempotencyKeyReused, NotFound
from domain.handlers import HANDLERS
from domain.receipt import CommandReceipt, receipt_id
from domain.storage import Storage, protect_postgres_events, storage_from_url

T = TypeVar("T", bound=Audited)
Clock = Callable[[], datetime]

CONFLICT_RETRIES = 3

log = logging.getLogger("minhbach.clock")


def utc_now() -> datetime:
    return datetime.now(UTC)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    """The transcodings the stored events are written with (the library's and dates)."""
    transcoder.register(UUIDAsHex())
    transcoder.register(DecimalAsStr())
    transcoder.register(DatetimeAsISO())
    transcoder.register(DateAsISO())


def event_mapper() -> Mapper[UUID]:
    """Stored events → domain events, with no database: what an offline verifier
    decodes the events of a bundle with."""
    transcoder = JSONTranscoder()
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


@dataclass(frozen=True)
class CommandResult:
    command: str
    result: Mapping[str, str]
    replayed: bool  # True when an idempotency key had already been applied
    # The log position of the last event written; for a replay, the newest position
    # (at or after the first answer's events).
    position: int | None


class MinhBach(Application[UUID]):
    """One application, one notification log for the whole domain."""

    name = "minhbach"

    def __init__(
        self,
        storage: Storage | None = None,
        clock: Clock = utc_now,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.storage = storage or storage_from_url()
        self.clock = clock
        self._newest: tuple[int, datetime] | None = None  # (position, time) last read
        super().__init__(env={**self.storage.env, **(env or {})})
        if self.storage.backend == "postgres":
            protect_postgres_events(self.storage, f"{self.name}_events")

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        register_domain_transcodings(transcoder)

    # --- time ---------------------------------------------------------------

    def newest_recorded_time(self) -> datetime | None:
        """The time of the newest event in the log (None when the log is empty)."""
        head = self.recorder.max_notification_id()
        if not head:
            return None
        if self._newest is not None and self._newest[0] == head:
            return self._newest[1]
        found = self.recorder.select_notifications(start=head, limit=1)
        if not found:
            return None
        event: Any = self.mapper.to_domain_event(found[0])
        self._newest = (head, event.timestamp)
        return self._newest[1]

    def recording_time(self) -> datetime:
        """The clock's time, never earlier than the newest recorded time: a clock that
        goes back (a restarted demo, a stepped system clock) is held at the newest
        recorded moment, and the step is logged, so time never runs backwards in the log."""
        now = self.clock()
        newest = self.newest_recorded_time()
        if newest is not None and now < newest:
            log.warning(
                "the clock reads %s, before the newest recorded time %s: recording at %s",
                now.isoformat(),
                newest.isoformat(),
                newest.isoformat(),
            )
            return newest
        return now

    # --- reading, for the handlers ------------------------------------------

    def load(self, cls: type[T], aggregate_id: UUID, what: str) -> T:
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFound(f"{what} not found")
        return found

    def find(self, cls: type[T], aggregate_id: UUID) -> T | None:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, cls):
            return None
        return aggregate

    # --- writing --------------------------------------------------------------

    def execute(
        self, command: Command, ctx: CommandContext, idempotency_key: str | None = None
    ) -> CommandResult:
        """Apply ``command`` as ``ctx.actor``; raise a DomainError if a rule forbids it.

        A version conflict (someone saved the same record first) is retried
        from a fresh load, then reported as ConcurrencyConflict.
        """
        handler = HANDLERS[type(command)]
        fingerprint = _fingerprint(command, ctx) if idempotency_key is not None else ""
        for _attempt in range(CONFLICT_RETRIES):
            if idempotency_key is not None:
                earlier = self._receipt(idempotency_key, fingerprint)
                if earlier is not None:
                    return earlier
            at = self.recording_time()
            outcome = handler(self, command, ctx, at)
            to_save: list[Audited] = list(outcome.aggregates)
            if idempotency_key is not None:
                to_save.append(
                    CommandReceipt.start(
                        CommandReceipt.Recorded,
                        receipt_id(idempotency_key),
                        ctx,
                        at,
                        key=idempotency_key,
                        command=command.name,
                        fingerprint=fingerprint,
                        result=dict(outcome.result),
                    )
                )
            try:
                recordings = self.save(*to_save)
            except IntegrityError:
                continue
            position = recordings[-1].notification.id if recordings else None
            if position is not None:  # the newest recorded time, without reading it back
                self._newest = (position, at)
            return CommandResult(command.name, outcome.result, False, position)
        raise ConcurrencyConflict(
            f"{command.name}: the records changed while it was applied; retry",
            command=command.name,
        )

    def _receipt(self, key: str, fingerprint: str) -> CommandResult | None:
        receipt = self.find(CommandReceipt, receipt_id(key))
        if receipt is None:
            return None
        if receipt.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                f"idempotency key {key!r} was used for a different command ({receipt.command})",
                key=key,
            )
        # The first answer's events are at or before the newest position: a client
        # that lost the first answer can still read its own write from here.
        return CommandResult(
            receipt.command, receipt.result, True, self.recorder.max_notification_id()
        )


def _fingerprint(command: Command, ctx: CommandContext) -> str:
    canonical: dict[str, Any] = {
        "command": command.name,
        "args": command.model_dump(mode="json"),
        "actor": ctx.actor.id,
        "role": ctx.actor.role.value,
        "source_ref": ctx.source_ref,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
