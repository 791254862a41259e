"""One POST route per domain command, generated from the command classes.

(No ``from __future__ import annotations`` here: FastAPI must see the request
model classes built at run time.)
"""

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field, create_model

from api.deps import CallerDep, ServicesDep
from domain.commands import COMMANDS, Command

# Recorded by the service itself, never posted: a token is issued through
# POST /principals/{name}/tokens (which makes the secret), a password through
# PUT /principals/{name}/password (which hashes it), and sign-ins by the web sign-in.
SERVER_SIDE = {
    "issue_token",
    "set_password",
    "change_password",
    "sign_in",
    "record_failed_sign_in",
    "sign_out",
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Retrying with the same key returns the first answer and writes nothing twice",
    ),
]


class CommandResponse(BaseModel):
    command: str = Field(examples=["assign_task"])
    result: dict[str, str] = Field(examples=[{"id": "4c46a0a2-aff7-5ed9-9d8c-7fd2dc14f30d"}])
    replayed: bool = Field(description="True when this idempotency key had been applied before")
    position: int | None = Field(
        description="Log position of the last event written; pass it as min_position to "
        "a query to read your own write",
        examples=[1234],
    )


def _request_model(command_class: type[Command]) -> type[BaseModel]:
    """The command's fields plus the source document the fact rests on."""
    model: type[BaseModel] = create_model(
        f"{command_class.__name__}Request",
        __base__=command_class,
        source_ref=(
            str | None,
            Field(None, max_length=300, description="Document behind the fact, where one exists"),
        ),
    )
    return model


def _path(name: str) -> str:
    return "/commands/" + name.replace("_", "-")


def _endpoint(command_class: type[Command], request_model: type[BaseModel]) -> Any:
    def run(
        body: request_model,  # type: ignore[valid-type]
        svc: ServicesDep,
        who: CallerDep,
        idempotency_key: IdempotencyKey = None,
    ) -> CommandResponse:
        fields = body.model_dump(exclude={"source_ref"})  # type: ignore[attr-defined]
        command = command_class.model_validate(fields)
        key = f"{who.principal}:{idempotency_key}" if idempotency_key else None
        outcome = svc.app.execute(command, who.context(body.source_ref), key)  # type: ignore[attr-defined]
        return CommandResponse(
            command=outcome.command,
            result=dict(outcome.result),
            replayed=outcome.replayed,
            position=outcome.position,
        )

    run.__name__ = command_class.name
    return run


@cache
def command_router() -> APIRouter:
    """Built once: the routes only close over the command classes, and every app
    that includes the router copies them."""
    router = APIRouter(tags=["commands"])
    for name, command_class in COMMANDS.items():
        if name in SERVER_SIDE:
            continue
        doc = (command_class.__doc__ or "").strip()
        router.add_api_route(
            _path(name),
            _endpoint(command_class, _request_model(command_class)),
            methods=["POST"],
            response_model=CommandResponse,
            summary=name.replace("_", " ").capitalize(),
            description=doc if doc and not doc.startswith("Base") else "",
            operation_id=name,
        )
    return router
