"""Every single-field change of a JSON document, one at a time.

Recursively through nested objects and lists: a number changed (n → n + 1), a
truth value flipped, a text changed (its last character replaced by another
of the same kind, so a hash stays a hash and a code stays a code), a null
given a value, a key removed, a key added, a list item dropped, an item added
(a copy of the last one, the likeliest forgery; or a value in an empty list).

Mutations are made in place and undone after each use, so a large document
is not copied thousands of times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Json = Any
_CYCLES = ("0123456789abcdef", "ghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def changed_text(text: str) -> str:
    if not text:
        return "x"
    last = text[-1]
    for cycle in _CYCLES:
        if last in cycle:
            return text[:-1] + cycle[(cycle.index(last) + 1) % len(cycle)]
    return text[:-1] + ("0" if last != "0" else "1")


def changed_scalar(value: Json) -> Json:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return changed_text(value)
    if value is None:
        return "x"
    raise TypeError(f"not a JSON scalar: {value!r}")


def mutations(document: Json, path: str = "$") -> Iterator[str]:
    """Mutate ``document`` in place, once per field; yield the path while mutated."""
    if isinstance(document, dict):
        yield from _dict_mutations(document, path)
    elif isinstance(document, list):
        yield from _list_mutations(document, path)


def _dict_mutations(document: dict[str, Json], path: str) -> Iterator[str]:
    for key in list(document):
        value = document[key]
        where = f"{path}.{key}"
        yield from _removed(document, key, f"{where} removed")
        if isinstance(value, dict | list):
            yield from mutations(value, where)
        else:
            document[key] = changed_scalar(value)
            yield f"{where} changed"
            document[key] = value
    document["unexpected"] = "x"
    yield f"{path} key added"
    del document["unexpected"]


def _removed(document: dict[str, Json], key: str, label: str) -> Iterator[str]:
    value = document[key]
    order = list(document)
    del document[key]
    yield label
    document[key] = value
    for k in order:  # keep the key order (the readable text follows it)
        document[k] = document.pop(k)


def _list_mutations(document: list[Json], path: str) -> Iterator[str]:
    for index in range(len(document)):
        item = document.pop(index)
        yield f"{path}[{index}] dropped"
        document.insert(index, item)
        where = f"{path}[{index}]"
        if isinstance(item, dict | list):
            yield from mutations(item, where)
        else:
            document[index] = changed_scalar(item)
            yield f"{where} changed"
            document[index] = item
    document.append(_copy(document[-1]) if document else "x")
    yield f"{path} item added"
    document.pop()


def _copy(value: Json) -> Json:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def survivors(document: Json, rejects: Callable[[Json], bool]) -> tuple[int, list[str]]:
    """Try every mutation: how many were tried, and the ones ``rejects`` let through."""
    tried, passed = 0, []
    for label in mutations(document):
        tried += 1
        if not rejects(document):
            passed.append(label)
    return tried, passed
