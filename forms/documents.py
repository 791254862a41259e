"""Making a document: its data as of a log position, its receipt, and its file.

``content_of`` is the one way a document's data is computed — when the document
is made and when its receipt is checked — so both always agree on what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.errors import InvalidState, InvalidValue
from domain.values import Period
from forms import form01, form02, summary
from forms.receipt import Receipt, content_digest
from projections.ledger import Checkpoint, Ledger
from projections.replay import Replayed

Builder = Callable[[Replayed, dict[str, Any]], dict[str, Any]]
Renderer = Callable[[dict[str, Any], Receipt], bytes]

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form01(replayed: Replayed, subject: dict[str, Any]) -> dict[str, Any]:
    return form01.content(replayed, str(subject["servant"]), str(subject["period"]))


def _form02(replayed: Replayed, subject: dict[str, Any]) -> dict[str, Any]:
    return form02.content(replayed, str(subject["servant"]), int(subject["year"]))


def _summary(replayed: Replayed, subject: dict[str, Any]) -> dict[str, Any]:
    unit = subject.get("unit")
    return summary.content(
        replayed, str(subject["agency"]), int(subject["year"]), None if unit is None else str(unit)
    )


BUILDERS: dict[str, Builder] = {
    form01.KIND: _form01,
    form02.KIND: _form02,
    summary.KIND: _summary,
}

RENDERERS: dict[tuple[str, str], Renderer] = {
    (form01.KIND, "pdf"): form01.render,
    (form02.KIND, "pdf"): form02.render,
    (summary.KIND, "pdf"): summary.render,
    (summary.KIND, "xlsx"): summary.render_xlsx,
}


def subject_of(kind: str, **fields: Any) -> dict[str, Any]:
    """The subject a receipt names, checked: a servant and a period, or a year."""
    if kind == form01.KIND:
        Period.parse(str(fields["period"]))  # raises ValueError on a bad code
        return {"servant": str(fields["servant"]), "period": str(fields["period"])}
    if kind == form02.KIND:
        return {"servant": str(fields["servant"]), "year": int(fields["year"])}
    if kind == summary.KIND:
        unit = fields.get("unit")
        return {"agency": str(fields["agency"]), "year": int(fields["year"]), "unit": unit}
    raise InvalidValue(f"unknown document {kind!r}")


def content_of(kind: str, replayed: Replayed, subject: dict[str, Any]) -> dict[str, Any]:
    builder = BUILDERS.get(kind)
    if builder is None:
        raise InvalidValue(f"unknown document {kind!r}")
    return builder(replayed, subject)


def policy_of(content: dict[str, Any]) -> str:
    """The policy (and variant) the document's numbers were computed under."""
    rows: list[dict[str, Any]] = []
    if "result" in content:
        rows = [content["result"]]
    elif "classification" in content:
        rows = [content["classification"]]
    else:
        rows = list(content.get("rows", []))
    names = sorted(
        {
            f"{r['policy_id']} v{r['policy_version']}"
            + (f" ({r['policy_variant']})" if r.get("policy_variant") else "")
            for r in rows
        }
    )
    return ", ".join(names) or "none"


def covering_checkpoint(ledger: Ledger, position: int) -> Checkpoint | None:
    """The newest signed checkpoint, if it covers every event up to ``position``."""
    checkpoint = ledger.latest()
    if checkpoint is None or checkpoint.size == 0:
        return None
    if checkpoint.size > len(ledger.tree):
        raise InvalidState(
            f"checkpoint {checkpoint.seq} covers {checkpoint.size} events but the ledger holds "
            f"{len(ledger.tree)}: run `minhbach verify` before making documents"
        )
    return checkpoint if ledger.positions[checkpoint.size - 1] >= position else None


def signed_position(ledger: Ledger) -> int | None:
    """The last log position the newest checkpoint covers: "now", as far as it is signed."""
    checkpoint = ledger.latest()
    if checkpoint is None or not 0 < checkpoint.size <= len(ledger.tree):
        return None
    return ledger.positions[checkpoint.size - 1]


@dataclass(frozen=True)
class Document:
    kind: str
    content: dict[str, Any]
    receipt: Receipt
    data: bytes
    media_type: str
    filename: str


def make(
    kind: str,
    subject: dict[str, Any],
    replayed: Replayed,
    checkpoint: Checkpoint | None,
    made_at: datetime,
    *,
    as_of_time: datetime | None = None,
    file_format: str = "pdf",
) -> Document:
    """The document of ``kind`` for ``subject`` as of ``replayed``, with its receipt."""
    renderer = RENDERERS.get((kind, file_format))
    if renderer is None:
        raise InvalidValue(f"{kind} is not made as {file_format}")
    data = content_of(kind, replayed, subject)
    receipt = Receipt(
        kind=kind,
        subject=subject,
        position=replayed.position,
        as_of_time=as_of_time.isoformat() if as_of_time else None,
        policy=policy_of(data),
        digest=content_digest(data),
        made_at=made_at.isoformat(timespec="seconds"),
        checkpoint=checkpoint,
    )
    name = "-".join(str(v) for v in subject.values() if v is not None)
    return Document(
        kind,
        data,
        receipt,
        renderer(data, receipt),
        PDF if file_format == "pdf" else XLSX,
        f"{kind}-{name}-p{replayed.position}.{file_format}",
    )
