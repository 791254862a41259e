"""Derived rows by key, with a closed year's rows packed.

A period's result, its steps and its quarters stay derived for as long as the
views hold them, but once their year is closed (``projections.runner``) they are
read only when a late event re-derives something of that year, or when someone
asks. A period's row is a dict of some twenty-five columns and their small strings
(about 1.2 KB); packed with ``marshal`` as its column shape's number and its values,
it is about 200 bytes, and comes back, equal, as a new dict when read. Rows of the
open years, and a closed year's rows written since the last close, stay dicts.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator, MutableMapping
from typing import Any, TypeVar

Row = dict[str, Any]
K = TypeVar("K", bound=tuple[str, str])  # (servant code, period or span code)


class RowTable(MutableMapping[K, Row]):
    """One view's rows by primary key; each key's second part begins with its year."""

    def __init__(self) -> None:
        self._rows: dict[K, Row | bytes] = {}
        self._shapes: dict[tuple[str, ...], int] = {}  # column names → shape number
        self._columns: list[tuple[str, ...]] = []
        self.closed_through = 0
        # A closed year's rows written since the last close (packed at the next).
        self.resident: set[K] = set()

    def __getitem__(self, key: K) -> Row:
        found = self._rows[key]
        return self._unpack(found) if isinstance(found, bytes) else found

    def get(self, key: K, default: Any = None) -> Any:
        found = self._rows.get(key)
        if found is None:
            return default
        return self._unpack(found) if isinstance(found, bytes) else found

    def __setitem__(self, key: K, row: Row) -> None:
        self._rows[key] = row
        if _year(key) <= self.closed_through:
            self.resident.add(key)

    def __delitem__(self, key: K) -> None:
        del self._rows[key]
        self.resident.discard(key)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[K]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def close_years(self, through: int) -> int:
        """Pack the rows of the years up to ``through``: all of them when the bound
        moves, otherwise those written since the last time. Return how many."""
        if through > self.closed_through:
            keys = [key for key in self._rows if _year(key) <= through]
            self.closed_through = through
        else:
            keys = [key for key in self.resident if _year(key) <= through]
        packed = 0
        for key in keys:
            row = self._rows.get(key)
            if isinstance(row, dict) and (found := self._pack(row)) is not None:
                self._rows[key] = found
                packed += 1
        self.resident.clear()
        return packed

    def packed(self) -> int:
        """How many rows are packed now."""
        return sum(isinstance(row, bytes) for row in self._rows.values())

    def _pack(self, row: Row) -> bytes | None:
        columns = tuple(row)
        shape = self._shapes.get(columns)
        if shape is None:
            shape = self._shapes[columns] = len(self._columns)
            self._columns.append(columns)
        try:
            return marshal.dumps((shape, tuple(row.values())))
        except ValueError:  # a value marshal cannot write stays in its dict
            return None

    def _unpack(self, packed: bytes) -> Row:
        shape, values = marshal.loads(packed)
        return dict(zip(self._columns[shape], values, strict=True))


def _year(key: tuple[str, str]) -> int:
    return int(key[1][:4])
