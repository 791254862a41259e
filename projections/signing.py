"""Ed25519 keys for signing ledger checkpoints.

The private key never lives in the database: it comes from a file
(``MINHBACH_LEDGER_KEY_FILE``, PEM or a raw 32-byte seed) or from the
environment (``MINHBACH_LEDGER_KEY``, the seed in base64). Anyone holding the
public key can check a checkpoint without trusting the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "MINHBACH_LEDGER_KEY_FILE"
KEY_ENV = "MINHBACH_LEDGER_KEY"


class LedgerKeyError(ValueError):
    """A key that cannot be read."""


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode()


def generate() -> Signer:
    return Signer(Ed25519PrivateKey.generate())


def private_pem(signer: Signer) -> bytes:
    return signer.private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private(data: bytes) -> Signer:
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise LedgerKeyError(f"not a readable private key: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise LedgerKeyError("the ledger key must be an Ed25519 key")
        return Signer(key)
    if len(data) == 32:
        return Signer(Ed25519PrivateKey.from_private_bytes(data))
    raise LedgerKeyError("a ledger key is a PEM file or a raw 32-byte seed")


def load_public(data: bytes) -> Ed25519PublicKey:
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text)
        except ValueError as error:
            raise LedgerKeyError(f"not a readable public key: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise LedgerKeyError("the public key must be an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise LedgerKeyError("a public key is a PEM file or 32 bytes in base64")
    return Ed25519PublicKey.from_public_bytes(raw)


def signer_from_environment(environ: Mapping[str, str] | None = None) -> Signer | None:
    """The configured signing key, or None when checkpoints are not to be signed here."""
    environ = os.environ if environ is None else environ
    if path := environ.get(KEY_FILE):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise LedgerKeyError(f"cannot read {KEY_FILE}={path}: {error.strerror}") from None
        try:
            return load_private(data)
        except LedgerKeyError as error:
            raise LedgerKeyError(f"{KEY_FILE}={path}: {error}") from None
    if seed := environ.get(KEY_ENV):
        try:
            return load_private(base64.b64decode(seed, validate=True))
        except ValueError as error:
            raise LedgerKeyError(f"{KEY_ENV} is not a base64 seed of 32 bytes: {error}") from None
    return None


def verify_signature(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
