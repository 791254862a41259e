"""Leniency and inflation indicators of one agency's year, per evaluator and per unit.

Each indicator compares a group (the evaluator who recorded the scores, or the
unit of the servants scored) with the rest of the agency: a share by an exact
binomial tail against the others' rate, a mean by a robust z-score against the
others' means. Too small a sample is never compared. A flag is a question for
an inspector, not a finding: ``docs/leniency.md`` says what each one means and
what it cannot tell.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import MinhBach
from domain.errors import NotFound
from projections.lean import LeanReader, notification
from projections.leniency.observe import Observation, observe, placed_records, read_events
from projections.leniency.stats import binomial_upper_tail, robust_z, smoothed_rate
from projections.replay import READ_PAGE, Replayed, notifications

GroupKind = Literal["evaluator", "unit"]

ALPHA = 0.001  # a share is flagged when its binomial tail is below this
Z_LIMIT = 3.5  # a mean is flagged this many robust standard deviations above the others
MIN_SERVANTS = 3  # fewer servants behind a group: never compared


@dataclass(frozen=True)
class Indicator:
    key: str
    test: Literal["binomial", "robust_z"]
    groups: tuple[GroupKind, ...]
    min_sample: int  # fewer observations in the group: not compared
    title_vi: str
    title_en: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "criteria_mean",
        "robust_z",
        ("evaluator", "unit"),
        10,
        "Điểm trung bình tiêu chí chung người đánh giá cho",
        "Mean general-criteria score given",
    ),
    Indicator(
        "criteria_full_marks",
        "binomial",
        ("evaluator", "unit"),
        10,
        "Tỷ lệ cho điểm tối đa tiêu chí chung",
        "Share of general criteria at full marks",
    ),
    Indicator(
        "self_score_unchanged",
        "binomial",
        ("evaluator", "unit"),
        10,
        "Tỷ lệ giữ nguyên điểm tự chấm của công chức",
        "Share of self-scores confirmed unchanged",
    ),
    Indicator(
        "first_assessment_accepted",
        "binomial",
        ("evaluator", "unit"),
        10,
        "Tỷ lệ kết quả đạt ngay lần đánh giá đầu",
        "Share of results accepted on first assessment",
    ),
    Indicator(
        "late_excused",
        "binomial",
        ("evaluator", "unit"),
        5,
        "Tỷ lệ kết quả chậm được miễn trừ do nguyên nhân khách quan",
        "Share of late results excused by an objective cause",
    ),
    Indicator(
        "leader_components_full",
        "binomial",
        ("evaluator", "unit"),
        10,
        "Tỷ lệ đ và e ở mức 100%",
        "Share of đ and e at 100%",
    ),
    Indicator(
        "excellent_candidates",
        "binomial",
        ("unit",),
        MIN_SERVANTS,
        "Tỷ lệ công chức đạt điểm Hoàn thành xuất sắc",
        "Share of EXCELLENT candidates by score",
    ),
    Indicator(
        "near_threshold",
        "binomial",
        ("unit",),
        MIN_SERVANTS,
        "Ứng viên Hoàn thành xuất sắc sát ngưỡng 90 điểm (90,00–90,50)",
        "EXCELLENT candidates just above 90 (90.00–90.50)",
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}


@dataclass(frozen=True)
class Finding:
    indicator: str
    group_kind: GroupKind
    group: str
    sample: int  # observations in the group
    servants: int  # distinct servants behind them
    value: float  # the group's share or mean
    reference: float | None  # the others' rate, or the median of their means
    test: str
    statistic: float | None  # the binomial tail (p-value) or the robust z; None: not compared
    compared: bool  # the sample is large enough
    flagged: bool
    positions: tuple[int, ...]  # the log positions of the events behind the lenient outcomes
    mean_value: float | None = None  # for shares that carry a mean too (the self-score gap)


@dataclass(frozen=True)
class LeniencyReport:
    agency: str
    year: int
    position: int
    findings: tuple[Finding, ...]

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.flagged]

    def flagged_groups(self, kind: GroupKind) -> set[str]:
        return {f.group for f in self.flagged if f.group_kind == kind}

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "position": self.position,
            "thresholds": {"alpha": ALPHA, "z": Z_LIMIT, "min_servants": MIN_SERVANTS},
            "indicators": [asdict(i) for i in INDICATORS],
            "findings": [_finding_dict(f) for f in self.findings],
        }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    entry = asdict(finding)
    entry["positions"] = list(finding.positions)
    return entry


def leniency(app: MinhBach, replayed: Replayed, agency: str, year: int) -> LeniencyReport:
    """The indicators of ``agency``'s ``year`` as the log stood at ``replayed``."""
    if agency not in replayed.state.agencies:
        raise NotFound(f"agency {agency} not found as of position {replayed.position}")
    placed = placed_records(replayed, agency, year)
    seen = read_events(_events_of(app, placed.ids(), replayed.position), app.mapper)
    observations = observe(replayed, seen, agency, year, placed)
    return LeniencyReport(agency, year, replayed.position, tuple(assess(observations)))


def _events_of(app: MinhBach, records: set[UUID], upto: int) -> Iterator[Notification]:
    """The events of ``records`` up to ``upto``, in log order: read by record where
    the store can (the year's records are a small part of the log), else the log's
    (``read_events`` keeps only those it needs either way)."""
    reader = LeanReader(app, READ_PAGE)
    if not reader.can_select_at:
        yield from notifications(app, 0, upto)
        return
    for row in reader.rows_of(records, upto):
        yield notification(row, reader.convert_id)


def assess(observations: Iterable[Observation]) -> list[Finding]:
    """Every indicator for every group that has observations."""
    by_indicator: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_indicator[observation.indicator].append(observation)
    findings: list[Finding] = []
    for indicator in INDICATORS:
        for kind in indicator.groups:
            findings += _assess(indicator, kind, by_indicator.get(indicator.key, []))
    return findings


def _group_of(observation: Observation, kind: GroupKind) -> str | None:
    return observation.evaluator if kind == "evaluator" else observation.unit


def _assess(
    indicator: Indicator, kind: GroupKind, observations: Sequence[Observation]
) -> list[Finding]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        if (group := _group_of(observation, kind)) is not None:
            groups[group].append(observation)

    def enough(members: Sequence[Observation]) -> bool:
        servants = {o.servant for o in members}
        return len(members) >= indicator.min_sample and len(servants) >= MIN_SERVANTS

    means = {
        g: float(statistics.fmean(o.value for o in members if o.value is not None))
        for g, members in groups.items()
        if enough(members) and any(o.value is not None for o in members)
    }
    findings = []
    for group, members in sorted(groups.items()):
        compared = enough(members)
        servants = len({o.servant for o in members})
        others = [o for o in observations if _group_of(o, kind) not in (None, group)]
        successes = [o for o in members if o.success]
        share = len(successes) / len(members)
        mean_value = (
            float(statistics.fmean(o.value for o in members if o.value is not None))
            if any(o.value is not None for o in members)
            else None
        )
        if indicator.test == "binomial":
            x = sum(o.success for o in others)
            rate = smoothed_rate(x, len(others))
            compared = compared and len(others) >= indicator.min_sample
            statistic = (
                float(binomial_upper_tail(len(successes), len(members), rate)) if compared else None
            )
            flagged = statistic is not None and share > rate and statistic < ALPHA
            findings.append(
                Finding(
                    indicator.key,
                    kind,
                    group,
                    len(members),
                    servants,
                    share,
                    float(rate) if others else None,
                    indicator.test,
                    statistic,
                    compared,
                    flagged,
                    _positions(successes),
                    mean_value,
                )
            )
        else:
            peers = [m for g, m in means.items() if g != group]
            z = robust_z(means[group], peers) if compared and group in means else None
            centre = statistics.median(peers) if peers else None
            flagged = z is not None and z >= Z_LIMIT
            above = [
                o
                for o in members
                if centre is not None and o.value is not None and o.value > Decimal(str(centre))
            ]
            findings.append(
                Finding(
                    indicator.key,
                    kind,
                    group,
                    len(members),
                    servants,
                    mean_value if mean_value is not None else 0.0,
                    centre,
                    indicator.test,
                    z,
                    z is not None,
                    flagged,
                    _positions(above),
                )
            )
    return findings


def _positions(observations: Iterable[Observation]) -> tuple[int, ...]:
    return tuple(sorted({p for o in observations for p in o.positions}))
