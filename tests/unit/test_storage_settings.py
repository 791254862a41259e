"""How the database settings are read from a URL and the environment."""

from __future__ import annotations

import pytest

from domain.storage import StorageConfigError, storage_from_url

PG = "postgresql://postgres@127.0.0.1:5432/test?schema=s"


def test_one_setting_bounds_the_wait_for_a_lock_and_for_a_connection() -> None:
    quick = storage_from_url(PG, environ={"MINHBACH_LOCK_TIMEOUT": "1"})
    assert quick.env["POSTGRES_CONNECT_TIMEOUT"] == "1"
    assert quick.env["POSTGRES_LOCK_TIMEOUT"] == "1"  # each of the library's ten tries
    default = storage_from_url(PG, environ={})
    assert default.env["POSTGRES_CONNECT_TIMEOUT"] == "10"
    assert default.env["POSTGRES_SCHEMA"] == "s"


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "soon"])
def test_a_wait_that_is_not_a_whole_number_of_seconds_is_refused(value: str) -> None:
    with pytest.raises(StorageConfigError, match="MINHBACH_LOCK_TIMEOUT"):
        storage_from_url(PG, environ={"MINHBACH_LOCK_TIMEOUT": value})
