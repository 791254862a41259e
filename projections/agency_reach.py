"""Whether an agency's event can change its leaders' period results.

A leader's period result reads the agency's structure — its units and board (who
counts in d), its kind of period, its managing agency — and its policy from a date;
an agency also records, year by year, what only its annual classifications and its
own rating read: organisation levels, quota grants, tie decisions, rated agencies,
organisation criteria, publications. An event that changes only those leaves every
leader's periods as they were, so it does not re-derive them (a year-end grant
would otherwise bring every closed year's leaders' periods back from the log).
Anything else — including whatever is added to an agency later — counts.
"""

from __future__ import annotations

from typing import Any

from domain.agency import Agency

# Read by the annual classifications and the organisations' rating, not by periods.
YEARLY = frozenset(
    {
        "organisation_levels",
        "quota_grants",
        "organisation_quota_grants",
        "tie_decisions",
        "rated_agencies",
        "organisation_criteria",
        "publications",
        "organisation_publications",
    }
)

PeriodFacts = tuple[tuple[str, Any], ...]


def period_facts(agency: Agency) -> PeriodFacts:
    """What a period's result may read of ``agency``, as it stands (a snapshot)."""
    return tuple(
        sorted(
            (name, _snapshot(value))
            for name, value in vars(agency).items()
            if not name.startswith("_") and name not in YEARLY
        )
    )


def _snapshot(value: Any) -> Any:
    """A copy that later changes in place do not reach (the items are frozen)."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list | set):
        return tuple(value)
    return value
