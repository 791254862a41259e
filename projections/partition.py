"""Partitions of the read side by agency: which agencies' view rows one projection
worker owns, and which batches of events concern them.

A partition owns agencies (named, or those whose code hashes to its share) and
writes and deletes only the view rows of those agencies. It folds more than its
agencies' events (``projections.routes`` says which): a servant's earlier periods
at another agency count in the year they finish elsewhere, and a quota pool
(``domain.quota_pool``) or the organisations under one head
(``domain.organisation_scope``) span the agencies a managing agency manages. So a
worker derives whenever a batch touched any
agency of the *group* of one of its agencies — the top managing agency with
every agency under it — and puts derivation off (never drops it) otherwise.

Which agencies a batch touched is read off the keys the fold marked dirty: a
servant's keys touch every agency the servant was *ever* placed in, so a
servant who moves concerns the old and the new agency's partitions alike.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.agency import Agency
from domain.discipline import DisciplineDecision
from projections.state import Dirty, DomainState

BASE_NAME = "classifications"


def group_of(code: str, agencies: Mapping[str, Agency]) -> str:
    """The top managing agency above ``code`` (itself when it has none registered)."""
    seen = {code}
    while True:
        agency = agencies.get(code)
        parent = agency.managing_agency if agency is not None else None
        if parent is None or parent in seen:  # a cycle stops where it closes
            return code
        seen.add(parent)
        code = parent


@dataclass(frozen=True)
class Partition:
    """Either the agencies whose code hashes to ``index`` of ``count`` (1-based), or
    the agencies named."""

    index: int = 1
    count: int = 1
    agencies: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, partition: str | None, agencies: str | None) -> Partition | None:
        """``--partition k/N`` or ``--agencies A,B`` (None: the whole read side)."""
        if partition and agencies:
            raise ValueError("give --partition or --agencies, not both")
        if agencies:
            codes = frozenset(code.strip() for code in agencies.split(",") if code.strip())
            if not codes:
                raise ValueError("--agencies names no agency")
            return cls(agencies=codes)
        if partition:
            index, _, count = partition.partition("/")
            expected = f"--partition {partition}: expected K/N with 1 <= K <= N, e.g. 1/2"
            if not (index.isdecimal() and count.isdecimal()):
                raise ValueError(expected)
            k, n = int(index), int(count)
            if not 1 <= k <= n:
                raise ValueError(expected)
            return cls(index=k, count=n)
        return None

    @property
    def name(self) -> str:
        """The worker's tracking row (at most 64 characters)."""
        if self.agencies:
            label = "+".join(sorted(self.agencies))
            if len(label) > 40:
                label = f"{zlib.crc32(label.encode()):08x}"
            return f"{BASE_NAME}:agencies-{label}"
        return f"{BASE_NAME}:part-{self.index}-of-{self.count}"

    def owns(self, code: str) -> bool:
        if self.agencies:
            return code in self.agencies
        # crc32: stable across processes and versions (``hash`` of a str is salted).
        return zlib.crc32(code.encode()) % self.count == self.index - 1

    def owned(self, codes: Iterable[str]) -> frozenset[str]:
        return frozenset(code for code in codes if self.owns(code))

    def concerned(self, touched: Iterable[str], agencies: Mapping[str, Agency]) -> bool:
        """Whether a batch that touched these agencies may change this partition's
        rows: it touched one of its agencies' groups."""
        touched = set(touched)
        if any(self.owns(code) for code in touched):
            return True
        groups = {group_of(code, agencies) for code in touched}
        return any(group_of(code, agencies) in groups for code in self.owned(agencies))


def touched_agencies(dirty: Dirty, state: DomainState) -> set[str]:
    """Every agency whose rows the dirty keys may change: each servant's agencies
    (all placements, past and present), and the agencies named by the keys."""
    servants = {servant for servant, _ in dirty.periods} | {servant for servant, _ in dirty.years}
    touched = {agency for agency, _ in dirty.agencies}
    touched |= {agency for agency, _ in dirty.decisions}
    touched |= {agency for agency, _ in dirty.appeals}
    for code in servants:
        servant = state.servants.get(code)
        if servant is not None:
            touched |= {placement.agency_code for placement in servant.placements}
    for decision_id in dirty.disciplines:
        decision = state.by_id.get(decision_id)
        if isinstance(decision, DisciplineDecision):
            touched.add(decision.agency_code)
            servant = state.servants.get(decision.servant_code)
            if servant is not None:
                touched |= {placement.agency_code for placement in servant.placements}
    return touched
