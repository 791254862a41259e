"""One Jinja2 environment per language (the i18n extension holds its
translations), the filters every page uses, and ``render``."""

from __future__ import annotations

from functools import cache
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
        level=lambda code: label(labels.LEVELS, code),
        status=lambda code: label(labels.STATUSES, code),
        reason=lambda code: label(labels.REASONS, code),
        role=lambda code: label(labels.ROLES, code),
        leadership=lambda code: label(labels.LEADERSHIP, code),
        verdict=lambda code: label(labels.QUOTA_VERDICTS, code),
        appeal_status=lambda code: label(labels.APPEAL_STATUSES, code),
        decision_kind=lambda code: label(labels.DECISION_KINDS, code),
        decision_status=lambda code: label(labels.DECISION_STATUSES, code),
        document_kind=lambda code: label(labels.DOCUMENT_KINDS, code),
        receipt_verdict=lambda code: label(labels.RECEIPT_VERDICTS, code),
        indicator=lambda code: label(labels.INDICATORS, code),
        group_kind=lambda code: label(labels.GROUP_KINDS, code),
        organisation_status=lambda code: label(labels.ORGANISATION_STATUSES, code),
        organisation_step=lambda code: label(labels.ORGANISATION_STEPS, code),
        quota_place=lambda code: label(labels.QUOTA_PLACES, code),
        verification_kind=lambda code: label(labels.VERIFICATION_KINDS, code),
    )
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
