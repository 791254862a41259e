"""Several commands as one: each is checked by its own handler against the records as
the commands before it leave them, and either all are saved in one transaction or
none is. An upload of many rows (a staff list, a catalogue) is applied this way, so
that one refused row records nothing, and its preview is the same run unsaved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.actors import CommandContext
from domain.application import MinhBach, checked_context, command_fingerprint
from domain.base import Audited
from domain.commands import Command
from domain.errors import ConcurrencyConflict, DomainError, IdempotencyKeyReused, NotFound
from domain.handlers import HANDLERS
from domain.policy import PoolFacts
from domain.receipt import CommandReceipt, receipt_id

T = TypeVar("T", bound=Audited)


@dataclass(frozen=True)
class Keyed:
    command: Command
    key: str  # each command's own idempotency key: a second run of it records nothing


@dataclass(frozen=True)
class Checked:
    """One command's fate: applied (or would be), already applied, or refused."""

    replayed: bool = False
    error: DomainError | None = None


class BatchRefused(DomainError):
    """A command of the batch was refused: nothing of the batch was recorded."""

    code = "batch_refused"


class _Overlay:
    """The records as the batch's earlier commands leave them, in memory only."""

    def __init__(self, app: MinhBach) -> None:
        self.app = app
        self.changed: dict[UUID, Audited] = {}

    def find(self, cls: type[T], aggregate_id: UUID) -> T | None:
        found = self.changed.get(aggregate_id)
        if found is None:
            return self.app.find(cls, aggregate_id)
        return found if isinstance(found, cls) else None

    def load(self, cls: type[T], aggregate_id: UUID, what: str) -> T:
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFound(f"{what} not found")
        return found

    def pool_facts(self, servant: str, year: int) -> PoolFacts | None:
        return self.app.pool_facts(servant, year)

    def principal_ids(self) -> list[UUID]:
        return self.app.principal_ids()


def check_batch(
    app: MinhBach, items: Sequence[Keyed], ctx: CommandContext, save: bool = False
) -> list[Checked]:
    """Run every command in order against the records plus the earlier ones' effects.

    Unsaved (``save=False``) this is a preview: every command's fate is returned, a
    refusal included. Saved, a refusal raises ``BatchRefused`` and nothing is written;
    otherwise every new event and every command's receipt go in one transaction.
    """
    ctx, _ = checked_context(ctx, None)
    overlay = _Overlay(app)
    at = app.recording_time()
    receipts: list[Audited] = []
    fates: list[Checked] = []
    for item in items:
        fingerprint = command_fingerprint(item.command, ctx)
        earlier = app.find(CommandReceipt, receipt_id(item.key))
        if earlier is not None:
            reused = earlier.fingerprint != fingerprint
            error = IdempotencyKeyReused(f"key {item.key!r} was used for another command")
            fates.append(Checked(replayed=not reused, error=error if reused else None))
            continue
        try:
            outcome = HANDLERS[type(item.command)](overlay, item.command, ctx, at)
        except DomainError as error:
            fates.append(Checked(error=error))
            continue
        overlay.changed.update((a.id, a) for a in outcome.aggregates)
        receipts.append(
            CommandReceipt.start(
                CommandReceipt.Recorded,
                receipt_id(item.key),
                ctx,
                at,
                key=item.key,
                command=item.command.name,
                fingerprint=fingerprint,
                result=dict(outcome.result),
            )
        )
        fates.append(Checked())
    if not save:
        return fates
    refused = [(n, f.error) for n, f in enumerate(fates, start=1) if f.error is not None]
    if refused:
        number, first = refused[0]
        raise BatchRefused(
            f"command {number} of {len(items)} was refused ({first.code}): {first.message}",
            refused=len(refused),
        )
    try:
        app.save(*overlay.changed.values(), *receipts)
    except IntegrityError:
        raise ConcurrencyConflict(
            "the records changed while the batch was applied; preview it again"
        ) from None
    return fates
