"""Handlers of the product catalogue (Art. 13): products, factors, withdrawals."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.catalogue import Catalogue, catalogue_id
from domain.errors import (
    AlreadyExists,
    InvalidConversionFactor,
    InvalidState,
    InvalidValue,
    ProductNotInCatalogue,
)
from domain.handlers.common import (
    Outcome,
    Records,
    load_agency,
    require_positive,
)
from domain.scope import (
    check_agency,
    require_role,
)

CATALOGUE_ROLES = (Role.ADMIN, Role.HR, Role.AUTHORITY)


def add_product(records: Records, cmd: c.AddProduct, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    load_agency(records, ctx, cmd.agency)
    require_positive(cmd.factor, InvalidConversionFactor, "a conversion factor")
    catalogue = records.find(Catalogue, catalogue_id(cmd.agency))
    if catalogue is None:
        catalogue = Catalogue.start(
            Catalogue.Opened, catalogue_id(cmd.agency), ctx, at, agency_code=cmd.agency
        )
    if cmd.product in catalogue.products:
        raise AlreadyExists(f"product {cmd.product} already in the catalogue of {cmd.agency}")
    catalogue.record(
        Catalogue.ProductAdded,
        ctx,
        at,
        product_code=cmd.product,
        name=cmd.title,
        position=cmd.position,
        complexity_group=cmd.complexity_group,
        factor=cmd.factor,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})


def catalogue_product(records: Records, agency: str, product: str) -> Catalogue:
    catalogue = records.find(Catalogue, catalogue_id(agency))
    if catalogue is None or product not in catalogue.products:
        raise ProductNotInCatalogue(
            f"product {product} is not in the catalogue of {agency}", product=product
        )
    return catalogue


def change_factor(
    records: Records, cmd: c.ChangeFactor, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    require_positive(cmd.factor, InvalidConversionFactor, "a conversion factor")
    check_agency(ctx, cmd.agency)
    catalogue = catalogue_product(records, cmd.agency, cmd.product)
    first_listed = catalogue.products[cmd.product].factors[0][0]
    if cmd.effective_from <= first_listed:
        raise InvalidValue(
            f"a new factor must take effect after {first_listed.isoformat()}, "
            "when the product was listed"
        )
    catalogue.record(
        Catalogue.FactorChanged,
        ctx,
        at,
        product_code=cmd.product,
        factor=cmd.factor,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})


def withdraw_product(
    records: Records, cmd: c.WithdrawProduct, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, CATALOGUE_ROLES, "edit the catalogue")
    check_agency(ctx, cmd.agency)
    catalogue = catalogue_product(records, cmd.agency, cmd.product)
    if catalogue.products[cmd.product].withdrawn_from is not None:
        raise InvalidState(f"product {cmd.product} is already withdrawn")
    catalogue.record(
        Catalogue.ProductWithdrawn,
        ctx,
        at,
        product_code=cmd.product,
        effective_from=cmd.effective_from,
    )
    return Outcome([catalogue], {"id": str(catalogue.id)})
