"""Over HTTP, on SQLite and PostgreSQL: every string field of every command route,
and every path and query parameter that carries a code, refuses what the store
could not hold — a 422 naming the field, nothing written, and the views still
rebuild. Routes and fields are found by introspection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from api.command_routes import SERVER_SIDE
from domain.application import MinhBach
from projections.runner import Projector
from tests.app.scenario import log_size
from tests.e2e.test_http_roles import API, World, make_world
from tests.strings import IN_CODES, example_args, put, slots

# A sample of each kind, to keep a sweep of every field of every route quick.
OVER_HTTP = ("NUL", "escape", "right-to-left override", "unpaired surrogate")
IN_PARAMETERS = (
    "NUL",
    "escape",
    "right-to-left override",
    "zero-width space",
    "Cyrillic look-alike",
)
SAMPLES: dict[str, Any] = {"year": 2026, "period": "2026-03", "token_id": "abcdef12"}


@pytest.fixture
def quiet_world(app: MinhBach) -> Iterator[World]:
    yield from make_world(app, follow=False)


def _post_raw(world: World, command: str, body: dict[str, Any]) -> Any:
    # Encoded by hand: an unpaired surrogate only travels as a JSON escape.
    return world.client.post(
        f"{API}/commands/{command.replace('_', '-')}",
        content=json.dumps(body).encode(),
        headers={**world.headers("admin"), "Content-Type": "application/json"},
    )


def test_every_string_field_of_every_command_route_refuses_bad_strings(
    quiet_world: World,
) -> None:
    world = quiet_world
    examples = example_args()
    size = log_size(world.app)
    swept = 0
    for slot in slots():
        if slot.command in SERVER_SIDE:
            continue
        labels = [*OVER_HTTP, "zero-width space"] if slot.kind == "code" else OVER_HTTP
        for label in labels:
            bad = IN_CODES[label]
            response = _post_raw(world, slot.command, put(examples[slot.command], slot.path, bad))
            assert response.status_code == 422, (str(slot), label, response.text)
            body = response.json()
            assert body["code"] == "invalid_request"
            fields = [problem["field"] for problem in body["details"]["errors"]]
            assert any(f.split(".")[:2] == ["body", slot.path[0]] for f in fields), (
                str(slot),
                label,
                fields,
            )
            swept += 1
    assert swept > 400
    assert log_size(world.app) == size
    assert Projector(world.app).rebuild() == size  # the views fold the whole log


def _parameters(world: World) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path template, parameter) for every string path or query parameter."""
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = json.dumps(parameter["schema"])
                if (
                    parameter["in"] in ("path", "query")
                    and '"string"' in schema
                    and '"enum"' not in schema
                    and '"format"' not in schema
                ):
                    yield method, path, parameter


def _sample(parameter: dict[str, Any]) -> Any:
    name = parameter["name"]
    if name in SAMPLES:
        return SAMPLES[name]
    return 1 if '"integer"' in json.dumps(parameter["schema"]) else "SNV"


def test_every_code_in_a_path_or_query_refuses_bad_strings(quiet_world: World) -> None:
    world = quiet_world
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    size = log_size(world.app)
    swept = set()
    for method, template, target in _parameters(world):
        operation = spec["paths"][template][method]
        others = [p for p in operation["parameters"] if p["in"] in ("path", "query")]
        for label in IN_PARAMETERS:
            bad = IN_CODES[label]
            path, query = template, {}
            for parameter in others:
                value = bad if parameter is target else _sample(parameter)
                if parameter["in"] == "path":
                    path = path.replace(f"{{{parameter['name']}}}", quote(str(value), safe=""))
                elif parameter.get("required") or parameter is target:
                    query[parameter["name"]] = value
            response = world.client.request(
                method.upper(),
                path,
                params=query,
                headers=world.headers("admin"),
                json={"notice": "Thông báo"} if method == "post" else None,
            )
            assert response.status_code == 422, (method, template, target["name"], label)
            fields = [p["field"] for p in response.json()["details"]["errors"]]
            assert f"{target['in']}.{target['name']}" in fields, (template, label, fields)
        swept.add((template, target["name"]))
    assert {("/api/v1/principals/{name}/tokens", "name"), ("/api/v1/standings", "agency")} <= swept
    assert len(swept) > 25
    assert log_size(world.app) == size
