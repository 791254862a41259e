"""An uploaded workbook previewed against the records, then applied on confirmation.

The preview runs the rows' commands through their own handlers without saving
(``domain.batch``): a row the domain would refuse shows the domain's refusal beside
the column it concerns. Applying runs them again and saves all or nothing. A row
already recorded identically is "unchanged" and records nothing — whether it came
from an earlier upload (its command's receipt) or from elsewhere (the same facts).

Each command's idempotency key is derived from the command itself (its canonical
content), not from the file's hash and row number: a corrected file, or rows in
another order, still finds the rows an earlier upload recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal

from api.xlsx_import import KEY_COLUMN, CellError, Kind, Row, parse
from domain import commands as c
from domain.actors import CommandContext
from domain.agency import Agency
from domain.application import MinhBach
from domain.batch import BatchRefused, Checked, Keyed, check_batch
from domain.catalogue import Catalogue, catalogue_id
from domain.errors import DomainError
from domain.handlers.common import SETUP_ROLES, load_agency
from domain.scope import require_role
from domain.servant import CivilServant, servant_id

Status = Literal["add", "unchanged", "error"]
NAME_COLUMN: dict[Kind, str] = {"catalogue": "title", "staff": "full_name"}

# The column a domain refusal concerns, by command and error code.
REFUSAL_COLUMNS: dict[tuple[str, str], str] = {
    ("add_product", "already_exists"): "product",
    ("add_product", "invalid_conversion_factor"): "factor",
    ("register_servant", "already_exists"): "code",
    ("register_servant", "not_found"): "unit",
    ("open_unit", "already_exists"): "unit",
    ("open_unit", "invalid_state"): "unit",
}


@dataclass(frozen=True)
class RowOutcome:
    row: int
    code: str  # the row's product or servant code
    name: str  # and its name, as the row gives it
    status: Status
    errors: tuple[CellError, ...] = ()
    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    kind: Kind
    agency: str
    sha256: str
    rows: tuple[RowOutcome, ...]
    applied: bool = False

    @property
    def ok(self) -> bool:
        return all(r.status != "error" for r in self.rows)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.rows if r.status == status)


@dataclass
class _Planned:
    row: Row
    items: list[Keyed] = field(default_factory=list)


def may_import(app: MinhBach, ctx: CommandContext, agency: str) -> Agency:
    """HR of the agency or an admin (the roles that set an agency up), for an agency
    that exists."""
    require_role(ctx, SETUP_ROLES, "import the staff or the catalogue")
    return load_agency(app, ctx, agency)


def command_key(ctx: CommandContext, kind: Kind, command: c.Command) -> str:
    canonical = json.dumps(command.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"{ctx.actor.id}:xlsx:{kind}:{command.name}:{digest}"


def _recorded(app: MinhBach, command: c.Command) -> bool:
    """Whether the command's facts are already recorded exactly so."""
    if isinstance(command, c.AddProduct):
        catalogue = app.find(Catalogue, catalogue_id(command.agency))
        product = None if catalogue is None else catalogue.products.get(command.product)
        return product is not None and (
            product.name,
            product.position,
            product.complexity_group,
            product.factors[:1],
            product.withdrawn_from,
        ) == (
            command.title,
            command.position,
            command.complexity_group,
            [(command.effective_from, command.factor)],
            None,
        )
    if isinstance(command, c.RegisterServant):
        servant = app.find(CivilServant, servant_id(command.code))
        if servant is None:
            return False
        first = servant.placements[0]
        return (
            servant.full_name,
            servant.employed_from,
            first.agency_code,
            first.unit_code,
            first.position,
            first.peer_group,
            first.leadership.value,
        ) == (
            command.full_name,
            command.employed_from,
            command.agency,
            command.unit,
            command.position,
            command.peer_group or command.position,
            command.leadership.value,
        )
    return False


def _plan(
    app: MinhBach, ctx: CommandContext, sheet_rows: list[Row], agency: Agency, kind: Kind
) -> list[_Planned]:
    planned: list[_Planned] = []
    opening: set[str] = set()
    for row in sheet_rows:
        plan = _Planned(row)
        planned.append(plan)
        for command in row.commands:
            if _recorded(app, command):
                continue
            if isinstance(command, c.RegisterServant):
                title = row.values.get("unit_title")
                unit = command.unit
                if not agency.has_unit(unit) and unit not in opening and title:
                    opening.add(unit)
                    open_unit = c.OpenUnit(agency=agency.code, unit=unit, title=str(title).strip())
                    plan.items.append(Keyed(open_unit, command_key(ctx, kind, open_unit)))
            plan.items.append(Keyed(command, command_key(ctx, kind, command)))
    return planned


def _outcome(kind: Kind, plan: _Planned, fates: list[Checked]) -> RowOutcome:
    row = plan.row
    code = str(row.values.get(KEY_COLUMN[kind]) or "").strip()
    name = str(row.values.get(NAME_COLUMN[kind]) or "").strip()
    if row.errors:
        return RowOutcome(row.number, code, name, "error", tuple(row.errors))
    errors = [
        _refusal(row.number, item.command.name, fate.error)
        for item, fate in zip(plan.items, fates, strict=True)
        if fate.error is not None
    ]
    if errors:
        return RowOutcome(row.number, code, name, "error", tuple(errors))
    fresh = tuple(i.command.name for i, f in zip(plan.items, fates, strict=True) if not f.replayed)
    return RowOutcome(row.number, code, name, "add" if fresh else "unchanged", (), fresh)


def _refusal(number: int, command: str, error: DomainError) -> CellError:
    column = REFUSAL_COLUMNS.get((command, error.code), "")
    return CellError(number, column, error.code, error.message)


def preview(
    app: MinhBach,
    ctx: CommandContext,
    kind: Kind,
    agency: str,
    content: bytes,
    apply: bool = False,
) -> Preview:
    """Each row's fate; with ``apply``, and only if no row has an error, the rows are
    recorded, all in one transaction (``BatchRefused`` otherwise, nothing written)."""
    found = may_import(app, ctx, agency)
    sheet = parse(kind, agency, content)
    planned = _plan(app, ctx, sheet.rows, found, kind)
    items = [item for plan in planned for item in plan.items]
    fates = check_batch(app, items, ctx)
    rows = tuple(_outcome(kind, plan, fates_of) for plan, fates_of in _split(planned, fates))
    result = Preview(kind, agency, sheet.sha256, rows)
    if not apply:
        return result
    if not result.ok:
        bad = [r.row for r in rows if r.status == "error"]
        raise BatchRefused(
            f"rows {', '.join(map(str, bad))} have errors: nothing was recorded", rows=bad
        )
    check_batch(app, items, ctx, save=True)
    return Preview(kind, agency, sheet.sha256, rows, applied=True)


def _split(planned: list[_Planned], fates: list[Checked]) -> list[tuple[_Planned, list[Checked]]]:
    out: list[tuple[_Planned, list[Checked]]] = []
    start = 0
    for plan in planned:
        out.append((plan, fates[start : start + len(plan.items)]))
        start += len(plan.items)
    return out
