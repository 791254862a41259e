"""Agencies, their units, and the yearly decisions recorded at agency level.

An agency's organisation level (Art. 20(6)), a granted quota ratio
(Art. 20(5)(b)) and a head's decision on a quota tie are facts decided by
people with a document behind them, never configuration: they are events here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id
from domain.policy import Adoption, Policy, policy_adopted
from domain.policy.organisation_criteria import CriteriaSet, Criterion


def agency_id(code: str) -> UUID:
    return stable_id("agency", code)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    is_leadership: bool  # the agency's board (its head and deputies belong here)


@dataclass(frozen=True)
class TieChoice:
    tied: tuple[str, ...]
    excellent: tuple[str, ...]
    document_ref: str | None


@dataclass(frozen=True)
class Publication:
    number: int
    year: int
    position: int
    policy_id: str
    policy_version: int
    digest: str
    rows: tuple[dict[str, str | None], ...]


class Agency(Audited):
    TOPIC = "minhbach.agency:Agency"

    class Registered(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.agency:Registered"
        code: str
        name: str
        period_kind: str
        managing_agency: str | None

        def apply(self, agency: Agency) -> None:
            agency.code = self.code
            agency.name = self.name
            agency.period_kind = self.period_kind
            agency.managing_agency = self.managing_agency
            agency.units = {}
            agency.organisation_levels = {}
            agency.quota_grants = {}
            agency.organisation_quota_grants = {}
            agency.tie_decisions = {}
            agency.rated_agencies = {}
            agency.organisation_criteria = []
            agency.publications = []
            agency.organisation_publications = []
            agency.policy_adoptions = []

    class UnitOpened(Audited.Event):
        TOPIC = "minhbach.agency:UnitOpened"
        unit_code: str
        name: str
        is_leadership: bool

        def apply(self, agency: Agency) -> None:
            agency.units[self.unit_code] = Unit(self.unit_code, self.name, self.is_leadership)
            if self.is_leadership:
                agency.board = self.unit_code

    class OrganisationLevelDecided(Audited.Event):
        """The level its competent authority decided for the agency or one unit."""

        TOPIC = "minhbach.agency:OrganisationLevelDecided"
        year: int
        unit_code: str | None  # None: the agency itself
        level: str

        def apply(self, agency: Agency) -> None:
            agency.organisation_levels[(self.year, self.unit_code)] = self.level

    class RatedAgencyJoined(Audited.Event):
        """An agency this one manages opened its year of rating (Chapter II): it is in
        the scope whose results this agency's head recognises (Art. 5(1–2), 8(5))."""

        TOPIC = "minhbach.agency:RatedAgencyJoined"
        year: int
        agency_code: str

        def apply(self, agency: Agency) -> None:
            agency.rated_agencies.setdefault(self.year, set()).add(self.agency_code)

    class OrganisationCriteriaAdopted(Audited.Event):
        """Art. 7(2): the criteria the organisations in this agency's scope are scored on,
        adopted by its document, from a year (a new version replaces the last)."""

        TOPIC = "minhbach.agency:OrganisationCriteriaAdopted"
        version: int
        effective_year: int
        criteria: tuple[tuple[str, str, str, str], ...]  # code, clause, title, maximum

        def apply(self, agency: Agency) -> None:
            agency.organisation_criteria.append(
                CriteriaSet(
                    agency.code,
                    self.version,
                    self.effective_year,
                    self.source_ref or "",
                    tuple(
                        Criterion(code, clause, title, Decimal(maximum))
                        for code, clause, title, maximum in self.criteria
                    ),
                )
            )

    class QuotaRatioGranted(Audited.Event):
        """Art. 20(5)(b): a higher EXCELLENT ratio (≤ 25%) for outstanding results."""

        TOPIC = "minhbach.agency:QuotaRatioGranted"
        year: int
        ratio: Decimal

        def apply(self, agency: Agency) -> None:
            agency.quota_grants[self.year] = (self.ratio, self.source_ref)

    class OrganisationQuotaRatioGranted(Audited.Event):
        """Art. 8(5)(b): a higher EXCELLENT ratio (≤ 25%) for the organisations this
        agency's head recognises (its units), for outstanding results."""

        TOPIC = "minhbach.agency:OrganisationQuotaRatioGranted"
        year: int
        ratio: Decimal

        def apply(self, agency: Agency) -> None:
            agency.organisation_quota_grants[self.year] = (self.ratio, self.source_ref)

    class QuotaTieDecided(Audited.Event):
        """The head's choice among servants tied across the quota limit."""

        TOPIC = "minhbach.agency:QuotaTieDecided"
        year: int
        peer_group: str
        tied: tuple[str, ...]
        excellent: tuple[str, ...]

        def apply(self, agency: Agency) -> None:
            agency.tie_decisions[(self.year, self.peer_group)] = TieChoice(
                tuple(self.tied), tuple(self.excellent), self.source_ref
            )

    class PolicyVariantAdopted(Audited.Event):
        """The agency reads the decree as a registered variant of the policy from a date,
        by a recorded decision (None: back to the policy as published)."""

        TOPIC = "minhbach.agency:PolicyVariantAdopted"
        effective_from: date
        policy_id: str
        variant: str | None

        def apply(self, agency: Agency) -> None:
            agency.policy_adoptions.append(
                Adoption(self.effective_from, self.policy_id, self.variant, self.source_ref)
            )

    class ResultsPublished(Audited.Event):
        """The agency's annual results as published: the table, the log position it
        was computed at, the policy, and a digest anyone can recompute."""

        TOPIC = "minhbach.agency:ResultsPublished"
        year: int
        position: int
        policy_id: str
        policy_version: int
        digest: str
        rows: tuple[dict[str, str | None], ...]

        def apply(self, agency: Agency) -> None:
            kept = self.kept(agency)
            kept.append(self.publication(len(kept) + 1))

        @staticmethod
        def kept(agency: Agency) -> list[Publication]:
            """The agency's list of such publications, numbered from 1."""
            return agency.publications

        def publication(self, number: int) -> Publication:
            return Publication(
                number,
                self.year,
                self.position,
                self.policy_id,
                self.policy_version,
                self.digest,
                tuple(dict(row) for row in self.rows),
            )

    class OrganisationResultsPublished(ResultsPublished):
        """The results of the organisations its head recognises (its units and the
        agencies it manages, Art. 5), as published: one row per organisation."""

        TOPIC = "minhbach.agency:OrganisationResultsPublished"

        @staticmethod
        def kept(agency: Agency) -> list[Publication]:
            return agency.organisation_publications

    def __init__(self) -> None:
        self.code = ""
        self.name = ""
        self.period_kind = ""
        self.managing_agency: str | None = None
        self.units: dict[str, Unit] = {}
        self.board: str | None = None
        self.organisation_levels: dict[tuple[int, str | None], str] = {}
        self.quota_grants: dict[int, tuple[Decimal, str | None]] = {}  # ratio, document
        self.organisation_quota_grants: dict[int, tuple[Decimal, str | None]] = {}
        self.tie_decisions: dict[tuple[int, str], TieChoice] = {}
        # The managed agencies with a year of rating, by year (Art. 5(1–2)).
        self.rated_agencies: dict[int, set[str]] = {}
        self.organisation_criteria: list[CriteriaSet] = []  # Art. 7(2), every version
        self.publications: list[Publication] = []
        # The organisations' results in its head's scope (Art. 8(5), 9(2)(b)).
        self.organisation_publications: list[Publication] = []
        self.policy_adoptions: list[Adoption] = []

    def has_unit(self, unit_code: str) -> bool:
        return unit_code in self.units

    def policy_on(self, day: date) -> Policy:
        """The policy (and variant) this agency applies to a span starting on ``day``."""
        return policy_adopted(self.policy_adoptions, day)

    def leadership_unit(self) -> str | None:
        """The board's unit code (its head is the agency's head)."""
        return self.board
