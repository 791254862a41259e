"""How the year page words the explanation's codes: articles of the decree in the
way each language cites them, steps, sections, event types, periods and the
result's fields. Wording only: what the codes mean is decided in ``domain/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from gettext import NullTranslations
from typing import Any

from markupsafe import Markup, escape

from projections.directory import Directory
from projections.explain import SECTION_VI, VI_LABELS
from web import formatting, labels

VIETNAM = timezone(timedelta(hours=7))
ARTICLE = re.compile(r"^Art\. (\d+)((?:\([^)]*\))*)(.*)$")
PART = re.compile(r"\(([^)]*)\)")
LEVEL_FIELDS = ("level_by_score", "proposed_level", "decided_level")


def article_of(rule: str) -> int | None:
    """The article a citation points into ("Art. 20(5)(a)" → 20), else None."""
    found = ARTICLE.match(rule.strip())
    return int(found.group(1)) if found else None


def cite(rule: str, locale: str) -> str:
    """ "Art. 20(5)(a)" as Vietnamese cites it: "điểm a khoản 5 Điều 20"."""
    text = rule.strip()
    if locale != "vi":
        return text
    found = ARTICLE.match(text)
    if found is None:
        return text.replace("param ", "tham số ").replace("Appendix", "Phụ lục")
    parts = PART.findall(found.group(2))
    words = [f"Điều {found.group(1)}"]
    if parts:
        words.insert(0, f"khoản {parts[0]}")
    if len(parts) > 1:
        words.insert(0, f"điểm {parts[1]}")
    return " ".join(words) + found.group(3).replace("param ", "tham số ")


@lru_cache(maxsize=1024)
def rule_links(rule: str, locale: str) -> Markup:
    """A step's or finding's rule, each article in it linked to the decree's text."""
    cited = []
    for part in rule.split(";"):
        text = part.strip()
        article = article_of(text)
        words = escape(cite(text, locale))
        cited.append(
            Markup('<a class="rule" href="/decree#dieu-{}">{}</a>').format(article, words)
            if article is not None
            else Markup('<span class="rule">{}</span>').format(words)
        )
    return Markup("; ").join(cited)


def person(names: Directory) -> Callable[[str | None], Markup]:
    """ "Name (code)" for a servant's code, the code alone for anyone else."""

    @lru_cache(maxsize=512)
    def shown(code: str | None) -> Markup:
        name = names.servant(code)
        if name is None:
            return escape(code or "")
        return Markup('{} <span class="code">({})</span>').format(name, code)

    return shown


def period_text(code: str | None) -> str:
    """ "2026-03" → "03/2026"; "2026-Q2" → "Q2/2026"."""
    if not code or "-" not in code:
        return code or ""
    year, part = code.split("-", 1)
    return f"{part}/{year}"


@lru_cache(maxsize=4096)
def moment_text(value: str | None) -> str:
    """An event's recorded time (ISO 8601, UTC) in Hà Nội time, dd/mm/yyyy hh:mm."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM)
    return formatting.show_datetime(moment)


def filters(locale: str, catalogue: NullTranslations) -> dict[str, Callable[..., str]]:
    def word(table: dict[str, str], code: str | None) -> str:
        message = table.get(code or "")
        return catalogue.gettext(message) if message else (code or "")

    def step(key: str, label: str) -> str:
        return VI_LABELS.get(key, label) if locale == "vi" else label

    def section(title: str) -> str:
        if locale == "vi":
            for english, vietnamese in SECTION_VI:
                title = title.replace(english, vietnamese)
        return title

    def result_value(value: Any, field: str) -> str:
        if value is None or value == "":
            return "—"
        if field in LEVEL_FIELDS:
            return word(labels.LEVELS, value)
        if field == "status":
            return word(labels.STATUSES, value)
        if field == "reason":
            return word(labels.REASONS, value)
        if field == "annual_score":
            return formatting.show_decimal(value, locale)
        return str(value)

    return {
        "article": lambda rule: str(article_of(rule) or ""),
        "rule": lambda rule: cite(rule, locale),
        "rule_links": lambda rule: rule_links(rule, locale),
        "period": period_text,
        "datetime_text": moment_text,
        "step": step,
        "section": section,
        "event": lambda topic: word(labels.EVENT_TYPES, topic),
        "discipline": lambda form: word(labels.DISCIPLINE_FORMS, form),
        "result_field": lambda field: word(labels.RESULT_FIELDS, field),
        "result_value": result_value,
    }
