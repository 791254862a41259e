"""The level distribution of a year per unit and per peer group: charts and tables."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import reads
from web.charts import COLOURS, LEVEL_ORDER, Bar, stacked_bars
from web.exports import Column, Format, Table, download
from web.i18n import N_
from web.labels import LEVELS
from web.screens import AgencyYear, AgencyYearDep
from web.templating import render

router = APIRouter()
Grouping = Literal["unit", "peer_group"]
COLUMN = {"unit": "unit_code", "peer_group": "peer_group"}


def _bars(screen: AgencyYear, by: Grouping) -> tuple[list[Bar], int]:
    who = screen.viewer
    rows, position = reads.level_distribution(
        who.svc, who.scope, screen.agency, screen.year, COLUMN[by], screen.unit
    )
    return stacked_bars(rows), position


@router.get("/agencies/{agency}/years/{year}/distribution", response_class=HTMLResponse)
def distribution_page(request: Request, screen: AgencyYearDep) -> HTMLResponse:
    by_unit, position = _bars(screen, "unit")
    by_group, _ = _bars(screen, "peer_group")
    return render(
        request,
        screen.viewer,
        "distribution.html",
        screen=screen,
        current="distribution",
        charts=(
            ("unit", N_("By unit"), by_unit),
            ("peer_group", N_("By peer group"), by_group),
        ),
        levels=LEVEL_ORDER,
        colours=COLOURS,
        position=position,
    )


def _table_rows(screen: AgencyYear, by: Grouping, bars: list[Bar]) -> list[dict[str, Any]]:
    def label(group: str) -> str:
        name = screen.names.unit(screen.agency, group) if by == "unit" else None
        return f"{name} ({group})" if name else group

    return [
        {
            "group": label(bar.group),
            **{level or "none": bar.count(level) for level in LEVEL_ORDER},
            "total": bar.total,
        }
        for bar in bars
    ]


def _columns(by: Grouping) -> list[Column]:
    per_level = [
        Column(LEVELS[level], itemgetter(level), "int")
        for level in LEVEL_ORDER
        if level is not None
    ]
    return [
        Column(N_("Unit") if by == "unit" else N_("Peer group"), lambda r: r["group"]),
        *per_level,
        Column(N_("Not classified yet"), lambda r: r["none"], "int"),
        Column(N_("Total"), lambda r: r["total"], "int"),
    ]


@router.get("/agencies/{agency}/years/{year}/distribution-{by}.{fmt}")
def distribution_download(screen: AgencyYearDep, by: Grouping, fmt: Format) -> Response:
    bars, position = _bars(screen, by)
    table = Table(
        f"phan-bo-{by.replace('_', '-')}-{screen.agency}-{screen.year}",
        N_("Distribution"),
        _columns(by),
        _table_rows(screen, by, bars),
    )
    return download(table, fmt, screen.viewer.locale, position)
