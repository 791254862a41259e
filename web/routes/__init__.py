"""One module per screen or area; each exposes ``router``. A new screen is a new
module here, listed in ROUTERS (see web/README.md)."""

from __future__ import annotations

from fastapi import APIRouter

from web.routes import (
    distribution,
    home,
    language,
    people,
    quota,
    reconciliation,
    sign_in,
    standings,
    worklist,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    language.router,
    sign_in.router,
    standings.router,
    distribution.router,
    quota.router,
    worklist.router,
    reconciliation.router,
    people.router,
)
