"""An agency's product catalogue with conversion factors (Art. 13).

A factor change takes effect from a date and never rewrites old tasks: a task
copies the factor in force on the day it was assigned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def catalogue_id(agency_code: str) -> UUID:
    return stable_id("catalogue", agency_code)


@dataclass
class Product:
    code: str
    name: str
    position: str
    complexity_group: int
    factors: list[tuple[date, Decimal]] = field(default_factory=list)
    withdrawn_from: date | None = None

    def factor_on(self, day: date) -> Decimal | None:
        """The factor in force on ``day``; None before it was listed or once withdrawn."""
        if self.withdrawn_from is not None and day >= self.withdrawn_from:
            return None
        in_force = [factor for since, factor in self.factors if since <= day]
        return in_force[-1] if in_force else None


class Catalogue(Audited):
    TOPIC = "minhbach.catalogue:Catalogue"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.catalogue:Opened"
        agency_code: str

        def apply(self, catalogue: Catalogue) -> None:
            catalogue.agency_code = self.agency_code

    class ProductAdded(Audited.Event):
        TOPIC = "minhbach.catalogue:ProductAdded"
        product_code: str
        name: str
        position: str
        complexity_group: int
        factor: Decimal
        effective_from: date

        def apply(self, catalogue: Catalogue) -> None:
            catalogue.products[self.product_code] = Product(
                self.product_code,
                self.name,
                self.position,
                self.complexity_group,
                [(self.effective_from, self.factor)],
            )

    class FactorChanged(Audited.Event):
        TOPIC = "minhbach.catalogue:FactorChanged"
        product_code: str
        factor: Decimal
        effective_from: date

        def apply(self, catalogue: Catalogue) -> None:
            factors = catalogue.products[self.product_code].factors
            factors.append((self.effective_from, self.factor))
            factors.sort(key=lambda pair: pair[0])

    class ProductWithdrawn(Audited.Event):
        TOPIC = "minhbach.catalogue:ProductWithdrawn"
        product_code: str
        effective_from: date

        def apply(self, catalogue: Catalogue) -> None:
            catalogue.products[self.product_code].withdrawn_from = self.effective_from

    def __init__(self) -> None:
        self.agency_code = ""
        self.products: dict[str, Product] = {}
