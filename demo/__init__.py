"""The demo: one agency through one whole year, described as data.

- ``agency.py``: the organisation, positions, profiles, catalogue, names and the
  one-off cases, as plain data a reader can scan;
- ``roster.py``: the people drawn from that data and who evaluates whom (Art. 10);
- ``plan.py``: the year planned month by month;
- ``organisations.py``: the city, its departments and their units, rated under
  Chapter II at the year's end;
- ``commands.py``: the plan as the application's own commands, in order;
- ``load.py``: applying them (idempotently) and the people to act as.

Everything comes from ``random.Random(SEED)``: the same year gives the same
commands, and the same idempotency keys, on every run.
"""

from demo.agency import AGENCY, GOOD, STAR, STRONG, TIED, WEAK, Profile
from demo.commands import demo_commands
from demo.load import DemoPerson, DemoSummary, demo_people, load_demo

__all__ = [
    "AGENCY",
    "GOOD",
    "STAR",
    "STRONG",
    "TIED",
    "WEAK",
    "DemoPerson",
    "DemoSummary",
    "Profile",
    "demo_commands",
    "demo_people",
    "load_demo",
]
