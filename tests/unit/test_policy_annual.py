from datetime import date
from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    ConclusionFact,
    DateSpan,
    DisciplineFact,
    LeaveSpan,
    cap_by_organisation,
    fail_triggers,
    is_classifiable,
    mean_score,
    months_worked,
    took_protected_leave,
)
from domain.values import ConclusionKind, DisciplineForm, LeaveKind, Level

P = ND335_2025_V1
D = Decimal
YEAR = 2026
WHOLE_YEAR = DateSpan(date(YEAR, 1, 1), date(YEAR, 12, 31))


# -- mean score ---------------------------------------------------------------------------------


def test_mean_of_scorable_periods_rounded_half_up() -> None:
    result = mean_score(P, [("2026-01", D("89.99")), ("2026-02", D("90.00"))])
    assert result.value == D("90.00")  # 89.995 → 90.00
    assert result.steps[-2].result == "89.995"


def test_mean_leaves_out_periods_without_score_and_names_them() -> None:
    scores = [("2026-01", D("80.00")), ("2026-02", None), ("2026-03", D("71.00"))]
    result = mean_score(P, scores)
    assert result.value == D("75.50")
    left_out = result.steps[0]
    assert left_out.key == "periods_left_out"
    assert left_out.refs == ("2026-02",)


def test_mean_of_nothing_is_none() -> None:
    assert mean_score(P, [("2026-01", None)]).value is None
    assert mean_score(P, []).value is None


def test_mean_of_three_months_is_the_quarter() -> None:
    scores = [("2026-01", D("80.00")), ("2026-02", D("80.00")), ("2026-03", D("80.01"))]
    assert mean_score(P, scores).value == D("80.00")  # 80.00333…


# -- time worked --------------------------------------------------------------------------------


def test_whole_year_is_twelve_months() -> None:
    assert months_worked(P, YEAR, [WHOLE_YEAR]).value == 12


@pytest.mark.parametrize(
    ("start", "end", "months", "classifiable"),
    [
        (date(YEAR, 1, 1), date(YEAR, 6, 30), D("6"), True),
        (date(YEAR, 7, 1), date(YEAR, 12, 31), D("6"), True),
        (date(YEAR, 1, 1), date(YEAR, 5, 31), D("5"), False),
        (date(YEAR, 1, 1), date(YEAR, 6, 29), D("5.9666"), False),  # 29/30 floored
        (date(YEAR, 1, 16), date(YEAR, 7, 14), D("5.9677"), False),  # 16/31 + 5 + 14/31
        (date(YEAR, 1, 15), date(YEAR, 7, 14), D("6.0000"), True),  # 17/31 + 5 + 14/31 = 6
    ],
)
def test_five_and_six_months(start: date, end: date, months: Decimal, classifiable: bool) -> None:
    worked = months_worked(P, YEAR, [DateSpan(start, end)])
    assert worked.value == months
    assert is_classifiable(P, worked.value).value is classifiable


def test_employment_outside_the_year_is_ignored() -> None:
    span = DateSpan(date(YEAR - 1, 3, 1), date(YEAR, 3, 31))
    assert months_worked(P, YEAR, [span]).value == 3


def test_unpaid_leave_is_not_time_worked() -> None:
    leave = LeaveSpan(date(YEAR, 1, 1), date(YEAR, 6, 30), LeaveKind.UNPAID, ref="L1")
    worked = months_worked(P, YEAR, [WHOLE_YEAR], [leave])
    assert worked.value == 6
    assert is_classifiable(P, worked.value).value is True
    longer = LeaveSpan(date(YEAR, 1, 1), date(YEAR, 7, 1), LeaveKind.UNPAID)
    assert is_classifiable(P, months_worked(P, YEAR, [WHOLE_YEAR], [longer]).value).value is False


@pytest.mark.parametrize("kind", [LeaveKind.SICK, LeaveKind.MATERNITY])
def test_sick_and_maternity_leave_count_as_worked_by_default(kind: LeaveKind) -> None:
    leave = LeaveSpan(date(YEAR, 2, 1), date(YEAR, 11, 30), kind)
    worked = months_worked(P, YEAR, [WHOLE_YEAR], [leave])
    assert worked.value == 12
    assert is_classifiable(P, worked.value, took_protected_leave([leave])).value is True


def test_exempt_from_minimum_variant() -> None:
    variant = P.with_changes(version=2, protected_leave="exempt_from_minimum")
    leave = LeaveSpan(date(YEAR, 2, 1), date(YEAR, 11, 30), LeaveKind.MATERNITY)
    worked = months_worked(variant, YEAR, [WHOLE_YEAR], [leave])
    assert worked.value == 2
    assert is_classifiable(variant, worked.value, on_protected_leave=True).value is True
    assert is_classifiable(variant, worked.value, on_protected_leave=False).value is False


def test_invalid_spans() -> None:
    with pytest.raises(errors.InvalidValue):
        DateSpan(date(YEAR, 2, 1), date(YEAR, 1, 1))
    with pytest.raises(errors.InvalidValue):
        LeaveSpan(date(YEAR, 2, 1), date(YEAR, 1, 1), LeaveKind.SICK)


# -- FAIL triggers ------------------------------------------------------------------------------


def discipline(
    ref: str,
    *,
    form: DisciplineForm = DisciplineForm.REPRIMAND,
    related: bool = True,
    year: int = YEAR,
    annulled: bool = False,
    violation: str | None = None,
) -> DisciplineFact:
    return DisciplineFact(ref, form, related, year, annulled, violation)


@pytest.mark.parametrize("form", list(DisciplineForm))
def test_every_discipline_form_from_reprimand_up_triggers_fail(form: DisciplineForm) -> None:
    result = fail_triggers(P, YEAR, [discipline("K1", form=form)], [], is_leader=False)
    assert [t.refs for t in result.value] == [("K1",)]


def test_discipline_that_does_not_count() -> None:
    facts = [
        discipline("ANNULLED", annulled=True),
        discipline("PRIVATE", related=False),
        discipline("NEXT_YEAR", year=YEAR + 1),
    ]
    result = fail_triggers(P, YEAR, facts, [], is_leader=False)
    assert result.value == ()
    verdicts = [s.result for s in result.steps if s.key == "discipline"]
    assert verdicts == [
        "does not count: annulled",
        "does not count: not related to public service",
        f"does not count: counts for {YEAR + 1}",
    ]


def test_same_violation_counts_once_in_a_year() -> None:
    party = discipline("PARTY-1", form=DisciplineForm.WARNING, violation="V1")
    admin = discipline("ADMIN-1", violation="V1")
    other = discipline("ADMIN-2", violation="V2")
    result = fail_triggers(P, YEAR, [party, admin, other], [], is_leader=False)
    assert [t.refs for t in result.value] == [("PARTY-1", "ADMIN-1"), ("ADMIN-2",)]
    assert any(s.key == "same_violation" for s in result.steps)


def test_same_violation_already_counted_in_an_earlier_year() -> None:
    party = discipline("PARTY-1", year=YEAR - 1, violation="V1")
    admin = discipline("ADMIN-1", year=YEAR, violation="V1")
    assert fail_triggers(P, YEAR, [party, admin], [], is_leader=False).value == ()
    assert len(fail_triggers(P, YEAR - 1, [party, admin], [], is_leader=False).value) == 1
    # An annulled earlier decision does not use the violation up.
    annulled_party = discipline("PARTY-1", year=YEAR - 1, violation="V1", annulled=True)
    assert len(fail_triggers(P, YEAR, [annulled_party, admin], [], is_leader=False).value) == 1


def test_conclusions() -> None:
    facts = [
        ConclusionFact("C1", ConclusionKind.DEGRADATION, YEAR, withdrawn=False),
        ConclusionFact("C2", ConclusionKind.EXAMPLE_DUTY_BREACH, YEAR, withdrawn=True),
        ConclusionFact("C3", ConclusionKind.PARTY_PROHIBITION_BREACH, YEAR - 1, withdrawn=False),
        ConclusionFact("C4", ConclusionKind.LEADER_CORRUPTION, YEAR, withdrawn=False),
    ]
    staff = fail_triggers(P, YEAR, [], facts, is_leader=False)
    assert [t.refs for t in staff.value] == [("C1",)]
    leader = fail_triggers(P, YEAR, [], facts, is_leader=True)
    assert [t.refs for t in leader.value] == [("C1",), ("C4",)]
    assert leader.value[1].rule == "Art. 20(4)(d)"
    assert leader.steps[-1].result == "2"


def test_no_facts_no_triggers() -> None:
    result = fail_triggers(P, YEAR, [], [], is_leader=True)
    assert result.value == ()
    assert result.steps[-1].substitution == "none"


# -- organisation cap ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "organisation", "expected"),
    [
        (Level.EXCELLENT, Level.GOOD, Level.GOOD),
        (Level.EXCELLENT, Level.EXCELLENT, Level.EXCELLENT),
        (Level.GOOD, Level.EXCELLENT, Level.GOOD),
        (Level.COMPLETE, Level.FAIL, Level.FAIL),
        (Level.FAIL, Level.GOOD, Level.FAIL),
        (Level.EXCELLENT, None, Level.EXCELLENT),
    ],
)
def test_cap_by_organisation(level: Level, organisation: Level | None, expected: Level) -> None:
    assert cap_by_organisation(level, organisation).value is expected
