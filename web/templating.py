"""One Jinja2 environment per language (the i18n extension holds its
translations), the filters every page uses, and ``render``."""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from web import formatting, labels, year_words
from web.i18n import translations

if TYPE_CHECKING:
    from web.deps import Viewer

TEMPLATES = Path(__file__).parent / "templates"
# The filters that name a code in the reader's language: filter → its table of names.
CODE_NAMES: dict[str, dict[str, str]] = {
    "level": labels.LEVELS,
    "status": labels.STATUSES,
    "reason": labels.REASONS,
    "role": labels.ROLES,
    "leadership": labels.LEADERSHIP,
    "verdict": labels.QUOTA_VERDICTS,
    "appeal_status": labels.APPEAL_STATUSES,
    "decision_kind": labels.DECISION_KINDS,
    "decision_status": labels.DECISION_STATUSES,
    "document_kind": labels.DOCUMENT_KINDS,
    "receipt_verdict": labels.RECEIPT_VERDICTS,
    "indicator": labels.INDICATORS,
    "group_kind": labels.GROUP_KINDS,
    "organisation_status": labels.ORGANISATION_STATUSES,
    "organisation_step": labels.ORGANISATION_STEPS,
    "quota_place": labels.QUOTA_PLACES,
    "rating_timing": labels.RATING_TIMINGS,
    "verification_kind": labels.VERIFICATION_KINDS,
}


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(locale)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]

    def label(table: dict[str, str], code: str | None) -> str:
        if code is None or code == "":
            return ""
        message = table.get(code)
        return catalogue.gettext(message) if message else code

    env.filters.update(
        date=formatting.show_date,
        datetime=formatting.show_datetime,
        decimal=lambda value: formatting.show_decimal(value, locale),
    )
    env.filters.update({name: partial(label, table) for name, table in CODE_NAMES.items()})
    env.filters.update(year_words.filters(locale, catalogue))
    env.globals["locale"] = locale
    return env


def render(
    request: Request,
    viewer: Viewer,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    env = environment(viewer.locale)
    page = env.get_template(template).render(
        request=request,
        viewer=viewer,
        path=request.url.path,
        query=request.url.query,
        **context,
    )
    response = HTMLResponse(page, status_code=status_code)
    viewer.finish(request, response)
    return response
