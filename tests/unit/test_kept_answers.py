"""What is computed from a replay is kept per key: asked again, it is not computed again."""

from __future__ import annotations

from api.as_of import kept


def test_an_answer_is_computed_once_per_key() -> None:
    calls: list[int] = []

    def compute(position: int) -> dict[str, int]:
        calls.append(position)
        return {"position": position}

    first = kept(("test-kept", 7), lambda: compute(7))
    again = kept(("test-kept", 7), lambda: compute(7))
    moved = kept(("test-kept", 8), lambda: compute(8))
    assert again is first and calls == [7, 8]
    assert moved == {"position": 8}
