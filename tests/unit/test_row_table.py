"""A closed year's derived rows packed (projections.row_table): each comes back equal,
column for column and type for type; the open years' rows, and a closed year's
written since the last close, stay dicts; a value marshal cannot write stays too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from projections.row_table import RowTable

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
rows = st.dictionaries(st.sampled_from(["a", "b", "score", "level", "year"]), values, min_size=1)
periods = st.sampled_from(["2024-01", "2024-Q2", "2025-03", "2025-H1", "2026-12"])


@given(st.dictionaries(st.tuples(st.sampled_from(["CV1", "CV2"]), periods), rows))
def test_packed_rows_come_back_equal_and_open_ones_stay_dicts(found: dict[Any, Any]) -> None:
    table: RowTable[tuple[str, str]] = RowTable()
    table.update(found)
    table.close_years(2025)
    closed = [k for k in found if int(k[1][:4]) <= 2025]
    assert table.packed() == len(closed)
    assert dict(table.items()) == found
    for key, row in found.items():
        assert table[key] == row and table.get(key) == row
        assert [type(v) for v in table[key].values()] == [type(v) for v in row.values()]
        assert list(table[key]) == list(row)  # the columns in their order
    assert all(table.get(k) is found[k] for k in found if k not in closed)  # live dicts


def test_a_closed_row_written_again_is_packed_at_the_next_close() -> None:
    table: RowTable[tuple[str, str]] = RowTable()
    table[("CV1", "2024-01")] = {"score": "90", "year": 2024}
    table.close_years(2024)
    assert table.packed() == 1 and not table.resident
    table[("CV1", "2024-01")] = {"score": "95", "year": 2024}  # a late event's re-derive
    assert table.resident == {("CV1", "2024-01")} and table.packed() == 0
    assert table.close_years(2024) == 1
    assert table[("CV1", "2024-01")] == {"score": "95", "year": 2024}
    del table[("CV1", "2024-01")]
    assert ("CV1", "2024-01") not in table and len(table) == 0


def test_a_value_marshal_cannot_write_keeps_its_row_as_it_is() -> None:
    table: RowTable[tuple[str, str]] = RowTable()
    row = {"score": Decimal("90.5"), "year": 2024}
    table[("CV1", "2024-01")] = row
    assert table.close_years(2024) == 0
    assert table.get(("CV1", "2024-01")) is row
