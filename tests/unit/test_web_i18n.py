"""The web pages' words: every message extracted from the templates and the code is
in both catalogues and translated into Vietnamese, placeholders intact; every code
the domain produces has a name; values are shown the Vietnamese way."""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from domain import commands
from domain.actors import Role
from domain.policy import classification as rules
from domain.policy.quota import QuotaVerdict
from domain.values import Level
from forms import receipt, verification
from web import labels
from web.formatting import named, show_date, show_decimal
from web.i18n import LOCALES, catalogue_path, translations

REPO = Path(__file__).resolve().parents[2]


def extracted() -> set[str]:
    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(REPO),
            method_map,
            options_map,
            keywords={"_": None, "gettext": None, "N_": None},
        )
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_in_the_catalogue(locale: str) -> None:
    with catalogue_path(locale).open("rb") as source:
        catalogue = read_po(source, locale=locale)
    present = {str(m.id) for m in catalogue if m.id}
    wanted = extracted()
    assert len(wanted) > 100 and "Standings %(year)s" in wanted  # the extraction itself works
    missing = wanted - present
    assert not missing, f"run `make i18n`, then translate: {sorted(missing)}"
    problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
    assert not problems
    if locale == "vi":
        untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
        assert not untranslated, untranslated


def test_the_catalogues_compile_and_translate() -> None:
    vi, en = translations("vi"), translations("en")
    assert vi.gettext("Sign in") == "Đăng nhập" and en.gettext("Sign in") == "Sign in"
    assert vi.gettext(labels.LEVELS["EXCELLENT"]) == "Hoàn thành xuất sắc nhiệm vụ"
    assert [vi.gettext(labels.LEVELS[level.value]) for level in Level] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]


def test_every_code_the_domain_produces_has_a_name() -> None:
    reasons = {value for name, value in vars(rules).items() if name.startswith("REASON_")}
    assert reasons == set(labels.REASONS)
    assert set(typing.get_args(rules.ProposalStatus)) == set(labels.STATUSES)
    assert {role.value for role in Role} == set(labels.ROLES)
    assert {verdict.value for verdict in QuotaVerdict} == set(labels.QUOTA_VERDICTS)
    assert {level.value for level in Level} == set(labels.LEVELS)
    assert set(typing.get_args(commands.DecisionKind)) == set(labels.DECISION_KINDS)
    outcomes = typing.get_args(commands.ResolveAppeal.model_fields["outcome"].annotation)
    assert {"open", *outcomes} == set(labels.APPEAL_STATUSES)
    assert set(receipt.KINDS) == set(labels.DOCUMENT_KINDS)
    found = {verification.VALID, verification.CHANGED, verification.REFUSED}
    found |= {verification.TAMPERED, verification.UNPROVEN}
    assert found == set(labels.RECEIPT_VERDICTS)


def test_values_are_shown_the_vietnamese_way() -> None:
    assert show_date(date(2026, 3, 9)) == "09/03/2026"
    assert show_date("2026-12-31") == "31/12/2026"
    assert show_decimal("95.075", "vi") == "95,08"  # half up, for display only
    assert show_decimal(Decimal("1234.5"), "en") == "1,234.50"
    assert show_decimal(None, "vi") == ""
    assert named("Nguyễn Văn A", "SNV-HN-010") == "Nguyễn Văn A (SNV-HN-010)"
    assert named(None, "SNV-HN-010") == "SNV-HN-010"
