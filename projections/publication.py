"""Publishing an agency's annual results, and reproducing a publication later.

A publication records the log position it was computed at, the policy, the
table and its digest. ``reproduce`` replays the log up to that position,
recomputes the table and compares it row by row: anyone holding the events
can check that what was published is what the events say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.agency import Agency, Publication, agency_id
from domain.application import MinhBach
from domain.errors import NotFound
from domain.policy import policy_in_force
from domain.publication import table_digest
from projections.derive import Deriver
from projections.replay import replay

COLUMNS = (
    "servant_code",
    "unit_code",
    "peer_group",
    "annual_score",
    "level_by_score",
    "status",
    "reason",
    "proposed_level",
    "decided_level",
    "decision_no",
)


def published_table(deriver: Deriver, agency: str, year: int) -> list[dict[str, str | None]]:
    """The agency's annual classifications as published: text values, one row each."""
    rows = [
        {column: None if row[column] is None else str(row[column]) for column in COLUMNS}
        for (servant, row_year), row in deriver.annual_rows.items()
        if row_year == year and row["agency_code"] == agency
    ]
    return sorted(rows, key=lambda r: str(r["servant_code"]))


@dataclass(frozen=True)
class Draft:
    agency: str
    year: int
    position: int
    policy_id: str
    policy_version: int
    rows: list[dict[str, str | None]]
    digest: str


def draft(app: MinhBach, agency: str, year: int) -> Draft:
    """The table to publish, computed from the whole log as it stands."""
    replayed = replay(app)
    rows = published_table(replayed.deriver, agency, year)
    if not rows:
        raise NotFound(f"no classification of {agency} for {year} to publish")
    policy = policy_in_force(date(year, 1, 1))
    return Draft(
        agency, year, replayed.position, policy.policy_id, policy.version, rows, table_digest(rows)
    )


@dataclass
class Reproduction:
    publication: Publication
    digest: str  # of the recomputed table
    missing: list[str] = field(default_factory=list)  # published, not recomputed
    extra: list[str] = field(default_factory=list)  # recomputed, not published
    differences: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return (
            self.digest == self.publication.digest
            and table_digest(self.publication.rows) == self.publication.digest
            and not (self.missing or self.extra or self.differences)
        )


def reproduce(app: MinhBach, agency: str, year: int, number: int | None = None) -> Reproduction:
    """Recompute a publication from the events up to its position; compare row by row."""
    found = app.find(Agency, agency_id(agency))
    publications = [p for p in (found.publications if found else []) if p.year == year]
    if not publications:
        raise NotFound(f"{agency} has published no results for {year}")
    if number is None:
        publication = publications[-1]
    else:
        chosen = [p for p in publications if p.number == number]
        if not chosen:
            raise NotFound(f"{agency} has no publication number {number} for {year}")
        publication = chosen[0]
    replayed = replay(app, upto=publication.position)
    rows = published_table(replayed.deriver, agency, year)
    result = Reproduction(publication, table_digest(rows))
    published = {str(r["servant_code"]): r for r in publication.rows}
    recomputed = {str(r["servant_code"]): r for r in rows}
    result.missing = sorted(set(published) - set(recomputed))
    result.extra = sorted(set(recomputed) - set(published))
    for servant in sorted(set(published) & set(recomputed)):
        for column in COLUMNS:
            if published[servant].get(column) != recomputed[servant].get(column):
                result.differences.append(
                    (
                        servant,
                        column,
                        published[servant].get(column),
                        recomputed[servant].get(column),
                    )
                )
    return result
