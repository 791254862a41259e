"""Policy variants: every reading the brief names can be chosen, as data, by name."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    VARIANTS,
    Adoption,
    Policy,
    PolicyVariant,
    all_variants,
    find_variant,
    policy_adopted,
    policy_variant,
)

# The readings the brief names as parameters, as they exist on this policy.
NAMED_READINGS = {
    "delay_counting",
    "quota_base",
    "protected_leave",
    "period_combination",
    "late_day_basis",
}


def _changed(policy: Policy) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(Policy)
        if getattr(policy, f.name) != getattr(ND335_2025_V1, f.name)
    }


def test_every_named_reading_has_a_registered_variant() -> None:
    overridden = {name for v in VARIANTS.values() for name, _ in v.overrides}
    assert overridden >= NAMED_READINGS


def test_each_variant_changes_only_what_it_says_and_names_itself() -> None:
    for built in all_variants():
        variant = find_variant(built.policy_id, str(built.variant))
        assert _changed(built) == {"variant", *(name for name, _ in variant.overrides)}
        assert built.parameters()["variant"] == variant.name
        assert built.label == f"ND335-2025 v1 / {variant.name}"
        assert variant.description_vi and variant.description_en


def test_quota_base_variant() -> None:
    policy = policy_variant("ND335-2025", "quota-good-or-better")
    assert policy.quota_base == "good_or_better"
    assert policy.identity == ("ND335-2025", 1, "quota-good-or-better")
    assert ND335_2025_V1.quota_base == "good_only"


def test_getting_a_variant_is_pure_and_cached() -> None:
    first = policy_variant("ND335-2025", "periods-per-result")
    assert policy_variant("ND335-2025", "periods-per-result") is first
    assert policy_variant("ND335-2025", None) is ND335_2025_V1


def test_unknown_variants_and_policies_are_refused() -> None:
    with pytest.raises(errors.UnknownPolicyVariant) as raised:
        policy_variant("ND335-2025", "lenient")
    assert raised.value.code == "unknown_policy_variant"
    with pytest.raises(errors.UnknownPolicy):
        policy_variant("ND999", None)


def test_any_parameter_can_be_overridden_by_data() -> None:
    """Variants are data: a parameter the policy gains can be varied without code."""
    variant = PolicyVariant(
        "ratio-as-text", "ND335-2025", 1, (("quota_ratio", "0.25"),), "tỷ lệ", "ratio"
    )
    assert variant.build().quota_ratio == Decimal("0.25")
    for name in ("policy_id", "version", "variant", "no_such_parameter"):
        with pytest.raises(ValueError):
            PolicyVariant("bad", "ND335-2025", 1, ((name, "x"),), "", "").build()
    with pytest.raises(ValueError):  # the policy's own checks still apply
        PolicyVariant("bad", "ND335-2025", 1, (("quota_base", "all"),), "", "").build()
    with pytest.raises(ValueError, match="overrides nothing"):
        PolicyVariant("empty", "ND335-2025", 1, (), "", "").build()


def test_an_agency_adoption_applies_from_its_date() -> None:
    adoptions = [
        Adoption(date(2026, 7, 1), "ND335-2025", "quota-good-or-better", "QĐ 1"),
        Adoption(date(2027, 1, 1), "ND335-2025", None, "QĐ 2"),
    ]
    assert policy_adopted([], date(2026, 7, 1)) is ND335_2025_V1
    assert policy_adopted(adoptions, date(2026, 6, 30)) is ND335_2025_V1
    assert policy_adopted(adoptions, date(2026, 7, 1)).variant == "quota-good-or-better"
    assert policy_adopted(adoptions, date(2027, 1, 1)) is ND335_2025_V1
    # Two decisions from the same day: the later recorded wins.
    same_day = [*adoptions, Adoption(date(2026, 7, 1), "ND335-2025", "late-working-days", "QĐ 3")]
    assert policy_adopted(same_day, date(2026, 8, 1)).variant == "late-working-days"


def test_a_changed_policy_still_needs_its_own_identity() -> None:
    variant = policy_variant("ND335-2025", "quota-good-or-better")
    with pytest.raises(ValueError, match="distinct version or variant"):
        variant.with_changes(protected_leave="exempt_from_minimum")
