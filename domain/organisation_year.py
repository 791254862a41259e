"""One organisation's year of rating under Chapter II (Art. 6–9): the agency itself
or one of its units, its work plan, its self-assessment, the recognising
authority's assessment, a force-majeure decision and the decided level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id
from domain.policy.organisation import ForceMajeure, OrganisationFacts, PlanTask


@dataclass(frozen=True)
class Verification:
    """Art. 9(2)(a): a complaint or a sign of disunity checked before the decision."""

    opened_ref: str  # the complaint, letter or finding that opened it
    kind: str  # "complaint" or "disunity"
    grounds: str
    closed_ref: str | None = None  # the verification's report
    findings: str | None = None


@dataclass(frozen=True)
class Ruling:
    decision_no: str
    level: str
    computed_level: str
    departure_reason: str | None
    decided_on: date | None = None  # the day recorded (Art. 9(1)'s deadlines)
    special_case_ref: str | None = None  # the act allowing a decision up to 15 January


def organisation_year_id(agency: str, unit: str | None, year: int) -> UUID:
    return stable_id("organisation-year", agency, unit or "", str(year))


class OrganisationYear(Audited):
    TOPIC = "minhbach.organisation_year:OrganisationYear"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.organisation_year:Opened"
        agency_code: str
        unit_code: str | None
        year: int

        def apply(self, org: OrganisationYear) -> None:
            org.agency_code = self.agency_code
            org.unit_code = self.unit_code
            org.year = self.year

    class PlanTaskRecorded(Audited.Event):
        """A task of the year's work plan and how it ended (recorded again: replaced)."""

        TOPIC = "minhbach.organisation_year:PlanTaskRecorded"
        task_ref: str
        completed: bool
        on_time: bool
        exceeded: bool

        def apply(self, org: OrganisationYear) -> None:
            org.tasks[self.task_ref] = PlanTask(
                self.task_ref, self.completed, self.on_time, self.exceeded
            )

    class SelfAssessed(Audited.Event):
        """Art. 9(2)(a): the organisation's own scores and proposed level."""

        TOPIC = "minhbach.organisation_year:SelfAssessed"
        general_points: Decimal
        task_points: Decimal
        proposed_level: str | None

        def apply(self, org: OrganisationYear) -> None:
            org.self_assessment = (self.general_points, self.task_points, self.proposed_level)

    class Assessed(Audited.Event):
        """The recognising authority's scores and findings (Art. 5, 8)."""

        TOPIC = "minhbach.organisation_year:Assessed"
        general_points: Decimal
        task_points: Decimal
        failed_subordinates: tuple[str, ...]
        open_shortcomings: tuple[str, ...]
        violations: tuple[str, ...]

        def apply(self, org: OrganisationYear) -> None:
            org.assessment = self

    class CriteriaScored(Audited.Event):
        """The authority's points criterion by criterion, on the set in force (Art. 7(2))."""

        TOPIC = "minhbach.organisation_year:CriteriaScored"
        criteria_agency: str
        criteria_version: int
        scores: dict[str, Decimal]

        def apply(self, org: OrganisationYear) -> None:
            org.criteria_scores = (
                self.criteria_agency,
                self.criteria_version,
                {code: Decimal(points) for code, points in self.scores.items()},
            )

    class ForceMajeureDecided(Audited.Event):
        """Art. 8(4)(b): tasks not done for force majeure, with the reasons."""

        TOPIC = "minhbach.organisation_year:ForceMajeureDecided"
        reasons: str
        excused: tuple[str, ...]

        def apply(self, org: OrganisationYear) -> None:
            org.force_majeure = ForceMajeure(
                self.source_ref or "", self.reasons, frozenset(self.excused)
            )

    class LevelDecided(Audited.Event):
        """The recognising authority's decision of the level, with the computed one."""

        TOPIC = "minhbach.organisation_year:LevelDecided"
        decision_no: str
        level: str
        computed_level: str
        departure_reason: str | None
        special_case_ref: str | None = None  # recorded from 2026-12 on; earlier: none

        def apply(self, org: OrganisationYear) -> None:
            org.decisions.append(self.decision_no)
            org.level = self.level
            org.rulings.append(
                Ruling(
                    self.decision_no,
                    self.level,
                    self.computed_level,
                    self.departure_reason,
                    self.timestamp.date(),
                    self.special_case_ref,
                )
            )

    class VerificationOpened(Audited.Event):
        """Art. 9(2)(a): a complaint or a sign of disunity to verify before deciding."""

        TOPIC = "minhbach.organisation_year:VerificationOpened"
        kind: str
        grounds: str

        def apply(self, org: OrganisationYear) -> None:
            ref = self.source_ref or ""
            org.verifications[ref] = Verification(ref, self.kind, self.grounds)

    class VerificationClosed(Audited.Event):
        """The verification's report: the decision may follow."""

        TOPIC = "minhbach.organisation_year:VerificationClosed"
        opened_ref: str
        findings: str

        def apply(self, org: OrganisationYear) -> None:
            opened = org.verifications[self.opened_ref]
            org.verifications[self.opened_ref] = Verification(
                opened.opened_ref, opened.kind, opened.grounds, self.source_ref, self.findings
            )

    class RatingNotified(Audited.Event):
        """Art. 9(2)(b): the result sent to the organisation and the bodies concerned."""

        TOPIC = "minhbach.organisation_year:RatingNotified"
        decision_no: str
        recipients: tuple[str, ...]

        def apply(self, org: OrganisationYear) -> None:
            org.notified[self.decision_no] = tuple(self.recipients)

    def __init__(self) -> None:
        self.agency_code = ""
        self.unit_code: str | None = None
        self.year = 0
        self.tasks: dict[str, PlanTask] = {}
        self.self_assessment: tuple[Decimal, Decimal, str | None] | None = None
        self.assessment: OrganisationYear.Assessed | None = None
        self.force_majeure: ForceMajeure | None = None
        self.criteria_scores: tuple[str, int, dict[str, Decimal]] | None = None
        self.decisions: list[str] = []
        self.level: str | None = None
        self.rulings: list[Ruling] = []
        self.verifications: dict[str, Verification] = {}
        self.notified: dict[str, tuple[str, ...]] = {}

    @property
    def ref(self) -> str:
        return f"{self.agency_code}/{self.unit_code}" if self.unit_code else self.agency_code

    def open_verifications(self) -> list[Verification]:
        return [v for v in self.verifications.values() if v.closed_ref is None]

    def facts(self) -> OrganisationFacts | None:
        """What the level is computed from: None until the authority has assessed."""
        a = self.assessment
        if a is None:
            return None
        return OrganisationFacts(
            ref=self.ref,
            general_points=a.general_points,
            task_points=a.task_points,
            tasks=tuple(self.tasks[ref] for ref in sorted(self.tasks)),
            failed_subordinates=tuple(a.failed_subordinates),
            open_shortcomings=tuple(a.open_shortcomings),
            violations=tuple(a.violations),
            force_majeure=self.force_majeure,
        )
