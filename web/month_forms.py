"""What the month's forms share: build a ``domain.commands`` class from a form,
execute it under the form's own idempotency key, and turn the domain's refusal
into words shown beside the form. No rule here: the command and its handler
decide what is allowed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO, TypeVar

from pydantic import ValidationError

from domain import commands as c
from domain.commands.tasks import MAX_ATTACHMENT_BYTES
from domain.errors import DomainError
from web.deps import Viewer
from web.i18n import N_
from web.labels import ERRORS

C = TypeVar("C", bound=c.Command)

# The refusals a month's forms meet most, by the domain error's code.
REFUSALS = {
    "invalid_request": N_("Some values are not valid"),
    "invalid_value": N_("A value is not allowed"),
    "invalid_quantity": N_("The quantity is not valid"),
    "invalid_state": N_("This cannot be done in the task's or month's present state"),
    "not_found": N_("The record does not exist"),
    "not_authorised": N_("You may not do this"),
    "outside_unit": N_("Outside your unit"),
    "outside_agency": N_("Outside your agency"),
    "product_not_in_catalogue": N_("The product is not in the agency's catalogue"),
    "no_result_to_assess": N_("There is no result awaiting assessment"),
    "criteria_score_above_maximum": N_("A score is above the sub-criterion's maximum"),
    "unknown_criterion": N_("An unknown sub-criterion"),
    "invalid_leader_component": N_("The leader's component is not valid"),
    "outside_employment": N_("Outside the servant's employment"),
    "missing_source_document": N_("A source document must be cited"),
    "idempotency_key_reused": N_("This form was already sent with other values"),
    "attachment_too_large": N_("The document is larger than 20 MB"),
    "attachment_empty": N_("The document is empty"),
}
# The field a refusal is shown beside, by the domain error's code (else the form's top).
FIELD_OF = {"missing_source_document": "document"}
# A result's upload: the file itself and room for the form's other fields.
UPLOAD_BODY_BYTES = MAX_ATTACHMENT_BYTES + 1024 * 1024


# Where a month's result stands (``pj_period_results.status``).
PERIOD_STATUSES = {
    "scored": N_("Scored"),
    "not_scorable": N_("Not scored"),
    "pending_confirmation": N_("Awaiting the evaluator's Form 01"),
}


@dataclass(frozen=True)
class Refusal:
    """Which form was refused, in words (a catalogue message) and the domain's detail;
    ``field`` the one it is shown beside, when the form has a place for it there."""

    form: str
    code: str
    title: str
    detail: str
    field: str = ""


def refusal_title(code: str) -> str:
    found = REFUSALS.get(code) or ERRORS.get(code, (None,))[0]
    return found or N_("The change was refused")


def _validation_detail(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())


def attempt(
    who: Viewer,
    form: str,
    kind: type[C],
    fields: dict[str, Any],
    form_key: str,
    source_ref: str | None = None,
) -> Refusal | None:
    """Execute ``kind`` built from ``fields``; None when recorded (or recorded before
    under the same form key), else the refusal to show beside ``form``."""
    try:
        command = kind.model_validate(fields)
        who.svc.app.execute(command, who.caller.context(source_ref), who.idempotency_key(form_key))
    except ValidationError as error:
        first = error.errors()[0]["loc"] if error.errors() else ()
        return Refusal(
            form,
            "invalid_request",
            refusal_title("invalid_request"),
            _validation_detail(error),
            str(first[0]) if first else "",
        )
    except DomainError as error:
        return Refusal(
            form, error.code, refusal_title(error.code), str(error), FIELD_OF.get(error.code, "")
        )
    return None


def attachment_of(
    form: str, filename: str | None, content: BinaryIO
) -> dict[str, Any] | Refusal | None:
    """An uploaded file as the command's attachment: its name, size and SHA-256 read
    from the bytes, which are then dropped (the log records the hash only). None when
    no file was chosen; a refusal beside the file field when it is empty or too big."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()[:255]
    if not name:
        return None
    digest, size = hashlib.sha256(), 0
    while chunk := content.read(1024 * 1024):
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            detail = f"{name}: over {MAX_ATTACHMENT_BYTES} bytes"
            return Refusal(
                form, "attachment_too_large", REFUSALS["attachment_too_large"], detail, "attachment"
            )
        digest.update(chunk)
    if size == 0:
        return Refusal(form, "attachment_empty", REFUSALS["attachment_empty"], name, "attachment")
    return {"name": name, "sha256": digest.hexdigest(), "size": size}
