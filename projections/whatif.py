"""What if an agency's year were read under another policy variant?

The same folded state (``projections.replay``, now or as of a past position) is
derived twice: once as recorded — the agency's own adoptions, so exactly the
views — and once with the agency reading the whole year under the variant
asked for. Nothing is written: both derivations live in memory and the log is
only read. Each servant whose score or level moves is explained by the steps of
the two explanations (``projections.explain``) that differ.

Only the agency's own policy changes. Servants it classifies in a pool of
another authority (its head, in the managing agency's pool) keep that
authority's quota reading; their periods and means follow the variant.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eventsourcing.persistence import Notification

from domain.errors import NotFound
from domain.policy import Policy, policy_in_force
from domain.policy.variants import Adoption, find_variant, policy_variant
from domain.values import Period
from projections.derive import Deriver
from projections.explain import Explainer
from projections.replay import Replayed
from projections.state import Dirty, DomainState

ADOPTED = "adopted"  # the readings the agency recorded: the views as they are
PUBLISHED = "published"  # the decree as published, no variant
LEVELS = ("EXCELLENT", "GOOD", "COMPLETE", "FAIL")
NO_LEVEL = "none"


@dataclass(frozen=True)
class StepChange:
    """One line of the explanation that reads differently under the variant."""

    section: str
    key: str
    label: str
    rule: str
    formula: tuple[str, str]  # (as recorded, under the variant)
    substitution: tuple[str, str]
    result: tuple[str, str]


@dataclass(frozen=True)
class PeriodChange:
    period: str
    score: tuple[str | None, str | None]
    level: tuple[str | None, str | None]


@dataclass(frozen=True)
class ServantComparison:
    servant: str
    unit: str
    peer_group: str
    score: tuple[str | None, str | None]  # annual score (as recorded, under the variant)
    level: tuple[str | None, str | None]  # the computed proposal
    periods: tuple[PeriodChange, ...] = ()  # the periods whose score or level moves
    steps: tuple[StepChange, ...] = ()  # the explanation steps that differ

    @property
    def level_changed(self) -> bool:
        return self.level[0] != self.level[1]

    @property
    def changed(self) -> bool:
        return self.level_changed or self.score[0] != self.score[1] or bool(self.periods)

    @property
    def reason(self) -> StepChange | None:
        """The first step whose result differs (the explanation reads top down: the
        periods, the year's mean, the quota), else the first that differs at all."""
        return next((s for s in self.steps if s.result[0] != s.result[1]), None) or next(
            iter(self.steps), None
        )


@dataclass(frozen=True)
class WhatIf:
    agency: str
    year: int
    unit: str | None
    policy: str  # what was asked: a variant's name, ``published`` or ``adopted``
    label: str  # the policy the year was read under
    position: int  # the log position both derivations stand on
    servants: tuple[ServantComparison, ...]
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def changed(self) -> list[ServantComparison]:
        return [s for s in self.servants if s.changed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "unit": self.unit,
            "policy": self.policy,
            "policy_label": self.label,
            "position": self.position,
            "totals": {
                level: {"adopted": before, "what_if": after}
                for level, (before, after) in self.totals.items()
            },
            "changed": sum(1 for s in self.servants if s.level_changed),
            "servants": [_servant_dict(s) for s in self.servants],
        }


def _servant_dict(s: ServantComparison) -> dict[str, Any]:
    reason = s.reason
    return {
        "servant": s.servant,
        "unit": s.unit,
        "peer_group": s.peer_group,
        "score": s.score[0],
        "level": s.level[0],
        "what_if_score": s.score[1],
        "what_if_level": s.level[1],
        "level_changed": s.level_changed,
        "reason": dataclasses.asdict(reason) if reason else None,
        "periods": [dataclasses.asdict(p) for p in s.periods],
        "steps": [dataclasses.asdict(step) for step in s.steps],
    }


def adoption_for(policy: str, year: int, policy_id: str = "ND335-2025") -> Adoption | None:
    """The adoption that reads all of ``year`` under ``policy`` (None: as recorded).
    An unknown variant raises ``UnknownPolicyVariant``."""
    if policy == ADOPTED:
        return None
    variant = None if policy == PUBLISHED else find_variant(policy_id, policy).name
    return Adoption(date(year, 1, 1), policy_id, variant, None)


def _label(adoption: Adoption | None) -> str:
    if adoption is None:
        return ADOPTED
    policy: Policy = (
        policy_in_force(adoption.effective_from)
        if adoption.variant is None
        else policy_variant(adoption.policy_id, adoption.variant)
    )
    return policy.label


def agency_year_dirty(state: DomainState, recorded: Deriver, agency: str, year: int) -> Dirty:
    """The keys of ``year`` an agency's classifications rest on: everyone ever placed
    there, and everyone sharing a quota pool with them or classified by the same
    authorities (a pool may reach into other agencies: the heads of agencies)."""
    codes = set(state.servants_of.get(agency, ()))
    pools = {b["_pool"] for code in codes if (b := recorded.bases.get((code, year))) is not None}
    authorities = {agency} | {pool.authority for pool in pools}
    for pool, members in recorded.group_members.items():
        if pool.year == year and (pool in pools or pool.authority in authorities):
            codes |= members
    prefix = f"{year}-"
    return Dirty(
        periods={
            (code, p)
            for code in codes
            for p in state.periods_of.get(code, ())
            if p.startswith(prefix)
        },
        years={(code, year) for code in codes if year in state.years_of.get(code, ())},
        agencies={(code, year) for code in authorities},
    )


def derive_under(replayed: Replayed, agency: str, year: int, adoption: Adoption | None) -> Replayed:
    """The agency's ``year`` derived afresh from the replayed state, the agency reading
    it under ``adoption`` (None: as recorded). The state is shared, not changed: only
    the agency's record is replaced, in a copy of the agencies' index."""
    state = replayed.state
    agencies = dict(state.agencies)
    if adoption is not None:
        reading = copy.copy(agencies[agency])
        reading.policy_adoptions = [adoption]
        agencies[agency] = reading
    alternative = dataclasses.replace(state, agencies=agencies)
    deriver = Deriver(alternative)
    deriver.derive(agency_year_dirty(state, replayed.deriver, agency, year))
    return Replayed(alternative, deriver, state.position)


def what_if(
    replayed: Replayed,
    agency: str,
    year: int,
    policy: str,
    unit: str | None = None,
    policy_id: str = "ND335-2025",
) -> WhatIf:
    """The agency's ``year`` as recorded beside the same year under ``policy``."""
    found = replayed.state.agencies.get(agency)
    if found is None:
        raise NotFound(f"agency {agency} not found as of position {replayed.position}")
    if unit is not None and not found.has_unit(unit):
        raise NotFound(f"no unit {unit} in {agency}")
    adoption = adoption_for(policy, year, policy_id)
    recorded = replayed.deriver
    alternative = derive_under(replayed, agency, year, adoption)
    keys = sorted(
        key
        for deriver in (recorded, alternative.deriver)
        for key, row in deriver.annual_rows.items()
        if key[1] == year
        and row["agency_code"] == agency
        and (unit is None or row["unit_code"] == unit)
    )
    before_explainer = Explainer(_NO_EVENTS, replayed)
    after_explainer = Explainer(_NO_EVENTS, alternative)
    servants = []
    for code, _ in dict.fromkeys(keys):
        before = recorded.annual_rows.get((code, year)) or {}
        after = alternative.deriver.annual_rows.get((code, year)) or {}
        row = before or after
        comparison = ServantComparison(
            servant=code,
            unit=row["unit_code"],
            peer_group=row["peer_group"],
            score=(before.get("annual_score"), after.get("annual_score")),
            level=(before.get("proposed_level"), after.get("proposed_level")),
            periods=_period_changes(recorded, alternative.deriver, code, year),
        )
        if comparison.changed:
            steps = _step_changes(
                _steps_of(before_explainer, code, year), _steps_of(after_explainer, code, year)
            )
            comparison = dataclasses.replace(comparison, steps=tuple(steps))
        servants.append(comparison)
    return WhatIf(
        agency=agency,
        year=year,
        unit=unit,
        policy=policy,
        label=_label(adoption),
        position=replayed.position,
        servants=tuple(servants),
        totals=_totals(servants),
    )


def _totals(servants: list[ServantComparison]) -> dict[str, tuple[int, int]]:
    before = Counter(s.level[0] or NO_LEVEL for s in servants)
    after = Counter(s.level[1] or NO_LEVEL for s in servants)
    return {level: (before[level], after[level]) for level in (*LEVELS, NO_LEVEL)}


def _period_changes(
    recorded: Deriver, alternative: Deriver, code: str, year: int
) -> tuple[PeriodChange, ...]:
    keys = sorted(
        {
            key
            for rows in (recorded.period_rows, alternative.period_rows)
            for key in rows
            if key[0] == code and Period.parse(key[1]).year == year
        }
    )
    changes = []
    for key in keys:
        before = recorded.period_rows.get(key) or {}
        after = alternative.period_rows.get(key) or {}
        score = (before.get("score"), after.get("score"))
        level = (before.get("level"), after.get("level"))
        if score[0] != score[1] or level[0] != level[1]:
            changes.append(PeriodChange(key[1], score, level))
    return tuple(changes)


Flat = dict[tuple[str, str, int], dict[str, Any]]


def _steps_of(explainer: Explainer, code: str, year: int) -> Flat:
    """The explanation's steps by (section, key, occurrence)."""
    try:
        explanation = explainer.year(code, year)
    except NotFound:
        return {}
    flat: Flat = {}
    for section in explanation["sections"]:
        title = _section_title(section["title"])
        seen: Counter[str] = Counter()
        for step in section["steps"]:
            flat[(title, step["key"], seen[step["key"]])] = step
            seen[step["key"]] += 1
    return flat


def _section_title(title: str) -> str:
    # The quota pool's section names its group, which a variant may not change;
    # the title itself is what the two readings share.
    return title.split(" in the quota pool ")[0]


def _step_changes(before: Flat, after: Flat) -> list[StepChange]:
    changes = []
    empty: dict[str, Any] = {}
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, empty), after.get(key, empty)
        fields = ("formula", "substitution", "result")
        if all(old.get(f) == new.get(f) for f in fields):
            continue
        either = old or new
        changes.append(
            StepChange(
                section=key[0],
                key=key[1],
                label=str(either.get("label", "")),
                rule=str(either.get("rule", "")),
                formula=(str(old.get("formula", "")), str(new.get("formula", ""))),
                substitution=(str(old.get("substitution", "")), str(new.get("substitution", ""))),
                result=(str(old.get("result", "")), str(new.get("result", ""))),
            )
        )
    return changes


class _NoEvents:
    """The steps are all a comparison needs: no stored event is read."""

    def notification(self, position: int) -> Notification | None:
        return None

    def leaf(self, position: int) -> tuple[int, bytes] | None:
        return None


_NO_EVENTS = _NoEvents()
