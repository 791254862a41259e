"""Idempotency receipts: a command with a key is recorded once.

The receipt is an aggregate saved in the same transaction as the command's
own events, so "applied" and "receipt written" can never disagree; its id
derives from the key, so a second save with the same key collides.
"""

from __future__ import annotations

from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def receipt_id(idempotency_key: str) -> UUID:
    return stable_id("receipt", idempotency_key)


class CommandReceipt(Audited):
    TOPIC = "minhbach.receipt:CommandReceipt"

    class Recorded(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.receipt:Recorded"
        key: str
        command: str
        fingerprint: str  # sha-256 of the canonical command, to spot a reused key
        result: dict[str, str]

        def apply(self, receipt: CommandReceipt) -> None:
            receipt.key = self.key
            receipt.command = self.command
            receipt.fingerprint = self.fingerprint
            receipt.result = dict(self.result)

    def __init__(self) -> None:
        self.key = ""
        self.command = ""
        self.fingerprint = ""
        self.result: dict[str, str] = {}
