"""Publishing an agency's annual results — its servants' classifications, or the
organisations' levels its head recognises (Chapter II) — and reproducing a
publication later.

A publication records the log position it was computed at, the policy, the
table and its digest. ``reproduce`` replays the log up to that position,
recomputes the table and compares it row by row: anyone holding the events
can check that what was published is what the events say. Every other claim
is checked too: the policy is the one in force for the year, the position
precedes the publication and nothing recorded in between changes the table,
each row has exactly the published columns and names a servant once, and the
digest is that of the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date

from domain.agency import Agency, Publication, agency_id
from domain.application import MinhBach
from domain.commands import PublishOrganisationResults, PublishResults
from domain.errors import NotFound
from domain.policy import policy_in_force
from domain.publication import table_digest
from projections.derive import Deriver
from projections.explain import StoreEvents
from projections.organisation_table import ORGANISATION_COLUMNS, organisation_table
from projections.replay import Replayed, replay
from projections.rows import BY_SCORE, DECIDED, WHO

COLUMNS = (*WHO, *BY_SCORE, "status", "reason", "proposed_level", *DECIDED)

Table = list[dict[str, str | None]]


def published_table(deriver: Deriver, agency: str, year: int) -> list[dict[str, str | None]]:
    """The agency's annual classifications as published: text values, one row each."""
    rows = [
        {column: None if row[column] is None else str(row[column]) for column in COLUMNS}
        for (servant, row_year), row in deriver.annual_rows.items()
        if row_year == year and row["agency_code"] == agency
    ]
    return sorted(rows, key=lambda r: str(r["servant_code"]))


@dataclass(frozen=True)
class Kind:
    """What a publication is of: its event, its columns, what a row is about, the
    table computed from a fold, and where the agency keeps such publications."""

    topic: str
    columns: tuple[str, ...]
    key: str
    table: Callable[[Replayed, str, int], Table]
    kept: Callable[[Agency], list[Publication]]
    what: str  # in messages: "results", "organisations' results"
    command: type[PublishResults]


SERVANTS = Kind(
    Agency.ResultsPublished.TOPIC,
    COLUMNS,
    "servant_code",
    lambda replayed, agency, year: published_table(replayed.deriver, agency, year),
    Agency.ResultsPublished.kept,
    "results",
    PublishResults,
)
ORGANISATIONS = Kind(
    Agency.OrganisationResultsPublished.TOPIC,
    ORGANISATION_COLUMNS,
    "organisation",
    lambda replayed, agency, year: organisation_table(replayed.state, agency, year),
    Agency.OrganisationResultsPublished.kept,
    "organisations' results",
    PublishOrganisationResults,
)
PUBLISHED_TOPIC = SERVANTS.topic


@dataclass(frozen=True)
class Draft:
    agency: str
    year: int
    position: int
    policy_id: str
    policy_version: int
    rows: list[dict[str, str | None]]
    digest: str
    kind: Kind = SERVANTS

    def command(self) -> PublishResults:
        """The command that publishes this table (the API's and the web page's)."""
        return self.kind.command(
            agency=self.agency,
            year=self.year,
            position=self.position,
            policy_id=self.policy_id,
            policy_version=self.policy_version,
            digest=self.digest,
            rows=tuple(self.rows),
        )


def draft(
    app: MinhBach,
    agency: str,
    year: int,
    kind: Kind = SERVANTS,
    replayed: Replayed | None = None,
) -> Draft:
    """The table to publish, computed from the whole log as it stands (or from
    ``replayed``: the live projections' fold at their position, say)."""
    replayed = replay(app) if replayed is None else replayed
    rows = kind.table(replayed, agency, year)
    if not rows:
        raise NotFound(f"no {kind.what} of {agency} for {year} to publish")
    policy = policy_in_force(date(year, 1, 1))
    digest = table_digest(rows, kind.key)
    return Draft(
        agency, year, replayed.position, policy.policy_id, policy.version, rows, digest, kind
    )


@dataclass
class Reproduction:
    publication: Publication
    digest: str  # of the recomputed table
    recorded_at: int = 0  # the log position of the publication itself
    kind: Kind = SERVANTS
    missing: list[str] = field(default_factory=list)  # published, not recomputed
    extra: list[str] = field(default_factory=list)  # recomputed, not published
    differences: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # claims besides the rows' values

    @property
    def matches(self) -> bool:
        return (
            self.digest == self.publication.digest
            and table_digest(self.publication.rows, self.kind.key) == self.publication.digest
            and not (self.missing or self.extra or self.differences or self.problems)
        )


Replayer = Callable[[int], Replayed | None]  # a state at a position, or None: replay


def reproduce(
    app: MinhBach,
    agency: str,
    year: int,
    number: int | None = None,
    kind: Kind = SERVANTS,
    live: Callable[[], AbstractContextManager[Replayed | None]] | None = None,
    replayer: Replayer | None = None,
) -> Reproduction:
    """Recompute a publication from the events up to its position; compare row by row.

    ``live()`` lends the current fold (the live projections', held still) to find the
    publication instead of replaying the log; ``replayer`` gives the state at a
    position from fewer events than the whole log (``projections.focused``)."""
    publications, positions = None, None
    if live is not None:
        with live() as now:
            if now is not None:
                publications, positions = _published(now, agency, year, kind)
    if publications is None or positions is None:
        publications, positions = _published(replay(app), agency, year, kind)
    if not publications:
        raise NotFound(f"{agency} has published no {kind.what} for {year}")
    if number is None:
        publication = publications[-1]
    else:
        chosen = [p for p in publications if p.number == number]
        if not chosen:
            raise NotFound(f"{agency} has no publication number {number} for {year}")
        publication = chosen[0]
    recorded_at = _recorded_at(app, positions, publication, kind)
    return check_publication(app, agency, publication, recorded_at, kind, replayer)


def _published(
    now: Replayed, agency: str, year: int, kind: Kind
) -> tuple[list[Publication], list[int]]:
    """The agency's publications of ``kind`` for ``year`` and its events' positions."""
    found = now.state.agencies.get(agency)
    publications = [p for p in (kind.kept(found) if found else []) if p.year == year]
    return publications, list(now.state.sources(agency_id(agency)))


def _recorded_at(app: MinhBach, positions: list[int], publication: Publication, kind: Kind) -> int:
    """The log position of the event that recorded publication number n."""
    events = StoreEvents(app)
    events.load(positions)
    published = [p for p in positions if (n := events.notification(p)) and n.topic == kind.topic]
    return published[publication.number - 1]


def check_publication(
    app: MinhBach,
    agency: str,
    publication: Publication,
    recorded_at: int,
    kind: Kind = SERVANTS,
    replayer: Replayer | None = None,
) -> Reproduction:
    """Every claim of one publication against the events before it."""

    def at(position: int) -> Replayed:
        found = replayer(position) if replayer is not None else None
        return replay(app, upto=position) if found is None else found

    replayed = at(publication.position)
    rows = kind.table(replayed, agency, publication.year)
    result = Reproduction(publication, table_digest(rows, kind.key), recorded_at, kind)
    result.problems = _claims(agency, publication, recorded_at, rows, kind, at)
    published: dict[str, dict[str, str | None]] = {}
    for row in publication.rows:
        published.setdefault(str(row.get(kind.key)), row)
    recomputed = {str(r[kind.key]): r for r in rows}
    result.missing = sorted(set(published) - set(recomputed))
    result.extra = sorted(set(recomputed) - set(published))
    for servant in sorted(set(published) & set(recomputed)):
        for column in kind.columns:
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


def _claims(
    agency: str,
    publication: Publication,
    recorded_at: int,
    rows: Table,
    kind: Kind,
    at: Callable[[int], Replayed],
) -> list[str]:
    problems = []
    policy = policy_in_force(date(publication.year, 1, 1))
    if (publication.policy_id, publication.policy_version) != (policy.policy_id, policy.version):
        problems.append(
            f"the publication names policy {publication.policy_id} v{publication.policy_version}; "
            f"the year's policy is {policy.policy_id} v{policy.version}"
        )
    if publication.digest != table_digest(publication.rows, kind.key):
        problems.append("the published digest is not that of the published rows")
    codes = [str(row.get(kind.key)) for row in publication.rows]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        problems.append(f"published more than once: {', '.join(twice)}")
    odd = [
        code
        for code, row in zip(codes, publication.rows, strict=True)
        if set(row) != set(kind.columns)
    ]
    if odd:
        problems.append(f"rows without exactly the published columns: {', '.join(odd)}")
    if publication.position >= recorded_at:
        problems.append(
            f"computed at position {publication.position}, not before its own publication "
            f"(position {recorded_at})"
        )
    elif publication.position < recorded_at - 1:
        before = kind.table(at(recorded_at - 1), agency, publication.year)
        if before != rows:
            problems.append(
                f"events recorded after position {publication.position} and before the "
                f"publication (position {recorded_at}) change the table: it was not current "
                "when published"
            )
    return problems
