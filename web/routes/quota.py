"""The EXCELLENT quota of each peer group (Art. 20(5)): G, the candidates, the
limit, who is pending on a tie and who was moved down by the quota."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import reads
from web.columns import ANNUAL_SCORE, FULL_NAME, PROPOSAL, SERVANT_CODE, UNIT
from web.exports import Column, Format, Table, download
from web.i18n import N_
from web.labels import QUOTA_VERDICTS
from web.refusals import Refusal
from web.screens import AgencyYear, AgencyYearDep
from web.templating import render

router = APIRouter()


@dataclass(frozen=True)
class TieAnswer:
    """What a tie's form did: the group, and the refusal (None: recorded)."""

    peer_group: str
    refused: Refusal | None
    key: str  # the form's key, kept while refused so the corrected form replays
    document: str


COLUMNS = (
    Column(N_("Peer group"), lambda r: r["peer_group"]),
    Column(N_("Rated GOOD by score (G)"), lambda r: r["good_count"], "int"),
    Column(N_("EXCELLENT limit"), lambda r: r["limit"], "int"),
    Column(N_("Quota rank"), lambda r: r["quota_rank"], "int"),
    SERVANT_CODE,
    FULL_NAME,
    UNIT,
    ANNUAL_SCORE,
    Column(N_("Quota outcome"), lambda r: r["quota_verdict"], words=QUOTA_VERDICTS),
    *PROPOSAL,
    Column(N_("Tied with"), lambda r: ", ".join(r["tied_with"])),
)


def _groups(screen: AgencyYear) -> tuple[list[dict[str, Any]], int]:
    who = screen.viewer
    groups, position = reads.quota_groups(
        who.svc, who.scope, screen.agency, screen.year, screen.unit
    )
    for group in groups:
        screen.with_names(group["candidates"])
    return groups, position


def page(
    request: Request, screen: AgencyYear, tie: TieAnswer | None = None, status_code: int = 200
) -> HTMLResponse:
    """The quota screen; after a tie's form, its answer beside that group's form."""
    groups, position = _groups(screen)
    return render(
        request,
        screen.viewer,
        "quota.html",
        status_code=status_code,
        screen=screen,
        current="quota",
        groups=groups,
        tie=tie,
        position=position,
    )


@router.get("/agencies/{agency}/years/{year}/quota", response_class=HTMLResponse)
def quota_page(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    return page(request, screen)


@router.get("/agencies/{agency}/years/{year}/quota.{fmt}")
def quota_download(screen: AgencyYearDep, fmt: Format) -> Response:
    groups, position = _groups(screen)
    rows = [
        {**candidate, "good_count": group["good_count"], "limit": group["limit"]}
        for group in groups
        for candidate in group["candidates"]
    ]
    table = Table(f"han-muc-{screen.agency}-{screen.year}", N_("Quota"), COLUMNS, rows)
    return download(table, fmt, screen.viewer.locale, position)
