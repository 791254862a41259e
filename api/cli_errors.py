"""The command line's mistakes of use: each becomes one line saying what is wrong
and what to do, and a non-zero exit — never a traceback. ``main`` asks
``explain`` about any exception a command raises; what it does not recognise
is a fault of the program and keeps its traceback."""

from __future__ import annotations

import argparse
from typing import NoReturn

DATABASE_HINT = "check --database-url or MINHBACH_DATABASE_URL"


class CliError(Exception):
    """A mistake of use found by a command itself (a message that says what to do)."""


class OneLineParser(argparse.ArgumentParser):
    """Argument errors in one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def explain(error: Exception, args: argparse.Namespace) -> str | None:
    """One line for a mistake of use, or None for a fault of the program."""
    from eventsourcing.persistence import InterfaceError, OperationalError
    from sqlalchemy.exc import OperationalError as SQLOperationalError

    from api.auth import TokenConfigError
    from api.live import SettingError
    from domain.storage import StorageConfigError, storage_from_url
    from projections.signing import KEY_ENV, KEY_FILE, LedgerKeyError

    if isinstance(error, CliError | TokenConfigError | SettingError):
        return str(error)
    if isinstance(error, StorageConfigError):
        return f"{error}; {DATABASE_HINT}"
    if isinstance(error, LedgerKeyError):
        return f"{error}; check {KEY_FILE}, {KEY_ENV} or --public-key"
    if isinstance(error, UnicodeDecodeError):
        file = getattr(args, "file", None)
        return (
            f"{file or 'the input'} is not UTF-8 text (byte {error.object[error.start]:#04x}): "
            "save it as UTF-8 (with or without a byte-order mark)"
        )
    if isinstance(error, OperationalError | InterfaceError | SQLOperationalError):
        reason = " ".join(str(error).split()) or type(error).__name__
        try:
            where = storage_from_url(args.database_url).display_url
        except StorageConfigError:
            where = "the database"
        return f"cannot use the database {where}: {reason}; {DATABASE_HINT}"
    if isinstance(error, OSError) and error.filename:
        return f"cannot use {error.filename}: {error.strerror or error}"
    return None
