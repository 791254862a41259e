"""Names beside codes: agencies, units and servants as the log last named them.

Read from the projections' in-memory fold (``DomainState``), so showing a
name costs no query; a name is a label, never a basis for a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from projections.state import DomainState


@dataclass(frozen=True)
class Directory:
    state: DomainState

    def servant(self, code: str | None) -> str | None:
        found = self.state.servants.get(code) if code else None
        return found.full_name if found else None

    def agency(self, code: str | None) -> str | None:
        found = self.state.agencies.get(code) if code else None
        return found.name if found else None

    def unit(self, agency: str | None, code: str | None) -> str | None:
        found = self.state.agencies.get(agency) if agency else None
        unit = found.units.get(code) if found and code else None
        return unit.name if unit else None

    def units_of(self, agency: str) -> list[tuple[str, str]]:
        """(code, name) of the agency's units, in code order."""
        found = self.state.agencies.get(agency)
        if found is None:
            return []
        return sorted((code, unit.name) for code, unit in found.units.items())
