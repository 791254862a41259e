"""One module per screen or area; each exposes ``router``. A new screen is a new
module here, listed in ROUTERS (see web/README.md)."""

from __future__ import annotations

from fastapi import APIRouter

from web.routes import (
    appeal_review,
    appeals,
    decisions,
    decree,
    distribution,
    documents,
    home,
    inspection,
    language,
    leniency,
    my_month,
    organisation_year,
    people,
    personnel,
    petitions,
    proposals,
    quota,
    reconciliation,
    servant_year,
    sign_in,
    standings,
    ties,
    unit_month,
    uploads,
    verify,
    whatif,
    worklist,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    language.router,
    sign_in.router,
    standings.router,
    distribution.router,
    quota.router,
    organisation_year.router,
    worklist.router,
    proposals.router,
    decisions.router,
    ties.router,
    whatif.router,
    leniency.router,
    reconciliation.router,
    people.router,
    appeals.router,
    appeal_review.router,
    petitions.router,
    personnel.router,
    inspection.router,
    documents.router,
    servant_year.router,
    my_month.router,
    unit_month.router,
    uploads.router,
    decree.router,
)

# Public forms that change nothing and need no session (checking a receipt): no
# CSRF token, so a receipt can be checked from a bookmarked or printed address.
PUBLIC_FORMS: tuple[APIRouter, ...] = (verify.router,)
