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
    StoredEvent,
    Transcoding,
    UUIDAsHex,
)

from domain.actors import Actor, CommandContext
from domain.base import Audited
from domain.commands import Command
from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    IdempotencyKeyReused,
    InvalidValue,
    NotFound,
)
from domain.handlers import HANDLERS
from domain.handlers.common import YearFacts
from domain.policy import PoolFacts
from domain.principal import Principal
from domain.receipt import CommandReceipt, receipt_id
from domain.storage import Storage, check_postgres, protect_postgres_events, storage_from_url
from domain.text import clean_code, clean_key, clean_text

T = TypeVar("T", bound=Audited)
Clock = Callable[[], datetime]

CONFLICT_RETRIES = 3

log = logging.getLogger("minhbach.clock")
_TIME_SCAN = 64  # how far back from the head the newest readable time is looked for


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
        year_facts: YearFacts | None = None,
    ) -> None:
        self.storage = storage or storage_from_url()
        self.clock = clock
        self._newest: tuple[int, datetime] | None = None  # (position, time) last read
        self._year_facts = year_facts
        if self.storage.backend == "postgres":
            check_postgres(self.storage)
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
        # Read back from the head: an event this version cannot read (a poison event,
        # halted on by the follower) must not stop the writers, so its time is skipped.
        start = max(1, head - _TIME_SCAN + 1)
        for stored in reversed(self.recorder.select_notifications(start=start, limit=_TIME_SCAN)):
            at = self._stored_time(stored)
            if at is not None:
                self._newest = (head, at)
                return at
        return None

    def _stored_time(self, stored: StoredEvent) -> datetime | None:
        """An event's recorded time, read from its state without resolving its class."""
        try:
            state = stored.state
            if self.mapper.cipher:
                state = self.mapper.cipher.decrypt(state)
            if self.mapper.compressor:
                state = self.mapper.compressor.decompress(state)
            at = self.mapper.transcoder.decode(state).get("timestamp")
        except Exception:  # an unreadable event has no time to offer
            return None
        return at if isinstance(at, datetime) else None

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

    def use_year_facts(self, source: YearFacts) -> None:
        """Take the derived facts from ``source`` (e.g. the service's live views)."""
        self._year_facts = source

    def pool_facts(self, servant: str, year: int) -> PoolFacts | None:
        """A year's quota pool as derived from the whole log as it stands now."""
        if self._year_facts is None:
            # The projections' own fold, kept in memory; imported here because the
            # domain package does not otherwise depend on the read side.
            from projections.facts import FoldedFacts

            self._year_facts = FoldedFacts(self)
        head = self.recorder.max_notification_id() or 0
        return self._year_facts.pool_facts(servant, year, head)

    def principal_ids(self) -> list[UUID]:
        found: list[UUID] = []
        start = None
        while page := self.recorder.select_notifications(
            start, 500, topics=[Principal.Registered.TOPIC], inclusive_of_start=False
        ):
            found.extend(n.originator_id for n in page)  # type: ignore[misc]
            start = page[-1].id
        return found

    # --- writing --------------------------------------------------------------

    def execute(
        self, command: Command, ctx: CommandContext, idempotency_key: str | None = None
    ) -> CommandResult:
        """Apply ``command`` as ``ctx.actor``; raise a DomainError if a rule forbids it.

        A version conflict (someone saved the same record first) is retried
        from a fresh load, then reported as ConcurrencyConflict.
        """
        ctx, idempotency_key = checked_context(ctx, idempotency_key)
        handler = HANDLERS[type(command)]
        fingerprint = command_fingerprint(command, ctx) if idempotency_key is not None else ""
        for _attempt in range(CONFLICT_RETRIES):
            if idempotency_key is not None:
                earlier = self._receipt(idempotency_key, fingerprint)
                if earlier is not None:
                    return earlier
            at = self.recording_time()
            try:
                outcome = handler(self, command, ctx, at)
            except DomainError:
                # The same key may have been applied while this request ran (two
                # requests at once): its effects are what the handler refused; the
                # first answer is the one to give.
                if idempotency_key is not None:
                    earlier = self._receipt(idempotency_key, fingerprint)
                    if earlier is not None:
                        return earlier
                raise
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


def checked_context(ctx: CommandContext, key: str | None) -> tuple[CommandContext, str | None]:
    """The context's strings and the key under the same rules as the commands' own."""
    try:
        agency = None if ctx.actor.agency is None else clean_code(ctx.actor.agency)
        actor = Actor(clean_code(ctx.actor.id), ctx.actor.role, agency)
        source_ref = None if ctx.source_ref is None else clean_text(ctx.source_ref)
        key = None if key is None else clean_key(key)
    except ValueError as error:
        raise InvalidValue(str(error)) from None
    return CommandContext(actor, source_ref), key


def command_fingerprint(command: Command, ctx: CommandContext) -> str:
    canonical: dict[str, Any] = {
        "command": command.name,
        "args": command.model_dump(mode="json"),
        "actor": ctx.actor.id,
        "role": ctx.actor.role.value,
        "source_ref": ctx.source_ref,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
