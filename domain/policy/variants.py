"""Named variants of a registered policy: the readings of the decree an agency may adopt.

A variant is data — a name, the base policy it changes, the parameters it
overrides, and what it means in Vietnamese and English. Any parameter of
``Policy`` may be overridden, so a parameter added to the policy can be varied
as soon as it exists. Getting a policy by (id, variant) is a pure, cached call:
replaying a year under another variant costs no more than under the base.

An agency adopts a variant from a date by a recorded decision
(``Agency.PolicyVariantAdopted``); ``policy_adopted`` turns those adoptions into
the policy in force on a day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Any

from domain import errors
from domain.policy.parameters import POLICIES, Policy, get_policy, policy_in_force

# What a variant may not change: who it is.
_IDENTITY = frozenset({"policy_id", "version", "variant"})


@dataclass(frozen=True)
class PolicyVariant:
    name: str
    policy_id: str
    version: int
    overrides: tuple[tuple[str, Any], ...]  # (parameter, value); values as text are converted
    description_vi: str
    description_en: str

    def build(self) -> Policy:
        base = get_policy(self.policy_id, self.version)
        fields = {f.name for f in dataclasses.fields(Policy)}
        changes: dict[str, Any] = {}
        for parameter, value in self.overrides:
            if parameter not in fields or parameter in _IDENTITY:
                raise ValueError(f"variant {self.name}: no parameter {parameter!r} to override")
            changes[parameter] = _as_type(getattr(base, parameter), value)
        if not changes:
            raise ValueError(f"variant {self.name} overrides nothing")
        return dataclasses.replace(base, variant=self.name, **changes)


def _as_type(current: Any, value: Any) -> Any:
    """A value given as text (variants may come from data files) in the parameter's type."""
    if isinstance(current, Decimal) and isinstance(value, str | int):
        return Decimal(str(value))
    return value


def _nd335(
    name: str, overrides: tuple[tuple[str, Any], ...], description_vi: str, description_en: str
) -> PolicyVariant:
    """A reading of the decree as first registered (ND335-2025, version 1)."""
    return PolicyVariant(name, "ND335-2025", 1, overrides, description_vi, description_en)


VARIANT_LIST: tuple[PolicyVariant, ...] = (
    _nd335(
        "quota-good-or-better",
        (("quota_base", "good_or_better"),),
        (
            "Tỷ lệ 20% tính trên tổng số công chức xếp loại từ Hoàn thành tốt nhiệm vụ trở lên "
            "(Hoàn thành tốt và ứng viên Hoàn thành xuất sắc)"
        ),
        "The 20% quota counts those rated GOOD and the EXCELLENT candidates",
    ),
    _nd335(
        "delay-per-recorded-delay",
        (("delay_counting", "per_recorded_delay"),),
        "Mỗi lần chậm là một lần chậm được ghi nhận, không tính theo ngày",
        "Each delay is a recorded delay, not each day late",
    ),
    _nd335(
        "late-working-days",
        (("late_day_basis", "working"),),
        "Số ngày chậm tính theo ngày làm việc (thứ Hai đến thứ Sáu)",
        "Days late are counted in working days (Monday to Friday)",
    ),
    _nd335(
        "protected-leave-exempt",
        (("protected_leave", "exempt_from_minimum"),),
        (
            "Công chức nghỉ ốm, nghỉ thai sản được xếp loại theo thời gian làm việc thực tế, "
            "không áp dụng điều kiện đủ 06 tháng"
        ),
        "Sick or maternity leave: classified whatever the time worked",
    ),
    _nd335(
        "periods-per-result",
        (("period_combination", "per_result"),),
        (
            "Công chức chuyển công tác giữa cơ quan đánh giá theo tháng và theo quý: mỗi kết "
            "quả tháng hoặc quý được tính một lần khi lấy điểm trung bình"
        ),
        (
            "A servant who moved between monthly and quarterly agencies: each month or quarter "
            "result counts once in the mean"
        ),
    ),
    _nd335(
        "deputy-head-area",
        (("deputy_without_area", "head_area"),),
        (
            "Cấp phó chưa được ghi nhận phạm vi phụ trách được đánh giá tiêu chí kết quả hoạt "
            "động (d) trên toàn bộ phạm vi của người đứng đầu, trừ cấp lãnh đạo ngang hoặc cao hơn"
        ),
        (
            "A deputy with no assigned area recorded: d counts the head's whole area below "
            "the deputy"
        ),
    ),
    _nd335(
        "criteria-self-score",
        (("criteria_source", "self"),),
        (
            "Điểm tiêu chí chung tính theo điểm công chức tự đánh giá (Mẫu 01); kỳ chưa có "
            "điểm tự đánh giá là kỳ chờ xác nhận"
        ),
        (
            "The general criteria count the servant's own scores (Form 01); a period without "
            "them is pending confirmation"
        ),
    ),
)


def _registry(variants: Sequence[PolicyVariant]) -> Mapping[tuple[str, str], PolicyVariant]:
    found: dict[tuple[str, str], PolicyVariant] = {}
    for variant in variants:
        key = (variant.policy_id, variant.name)
        if key in found:
            raise ValueError(f"variant {variant.name} of {variant.policy_id} registered twice")
        found[key] = variant
    return MappingProxyType(found)


VARIANTS: Mapping[tuple[str, str], PolicyVariant] = _registry(VARIANT_LIST)


def find_variant(policy_id: str, name: str) -> PolicyVariant:
    try:
        return VARIANTS[(policy_id, name)]
    except KeyError:
        raise errors.UnknownPolicyVariant(
            f"no variant {name!r} of policy {policy_id}", policy_id=policy_id, variant=name
        ) from None


@cache
def policy_variant(policy_id: str, name: str | None) -> Policy:
    """The policy ``policy_id`` read as variant ``name``; None: its latest version as
    published. Pure and cached: asking twice returns the same object."""
    if name is None:
        versions = [version for (found, version) in POLICIES if found == policy_id]
        if not versions:
            raise errors.UnknownPolicy(f"no scoring policy {policy_id}", policy_id=policy_id)
        return get_policy(policy_id, max(versions))
    return find_variant(policy_id, name).build()


@dataclass(frozen=True)
class Adoption:
    """An agency reads the decree as ``variant`` of ``policy_id`` from ``effective_from``."""

    effective_from: date
    policy_id: str
    variant: str | None  # None: back to the policy as published
    document_ref: str | None


def policy_adopted(adoptions: Sequence[Adoption], on: date) -> Policy:
    """The policy in force on ``on`` for an agency with these adoptions (in recorded order:
    of two adoptions from the same day, the later recorded wins)."""
    current: Adoption | None = None
    for adoption in adoptions:
        if adoption.effective_from <= on and (
            current is None or adoption.effective_from >= current.effective_from
        ):
            current = adoption
    if current is None or current.variant is None:
        return policy_in_force(on)
    return policy_variant(current.policy_id, current.variant)


def all_variants() -> list[Policy]:
    """Every registered variant, built (raises at once if one is malformed)."""
    return [policy_variant(v.policy_id, v.name) for v in VARIANT_LIST]
