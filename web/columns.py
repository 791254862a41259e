"""The columns the screens' downloads share: one definition per field of a
classification row, so a header reads the same in every file."""

from __future__ import annotations

from operator import itemgetter

from web.exports import Column
from web.i18n import N_
from web.labels import LEVELS, REASONS, STATUSES

RANK = Column(N_("Rank"), itemgetter("rank"), "int")
SERVANT_CODE = Column(N_("Civil servant code"), itemgetter("servant_code"))
FULL_NAME = Column(N_("Full name"), itemgetter("servant_name"))
UNIT = Column(N_("Unit"), itemgetter("unit_name"))
ANNUAL_SCORE = Column(N_("Annual score"), itemgetter("annual_score"), "decimal")
LEVEL_BY_SCORE = Column(N_("Level by score"), itemgetter("level_by_score"), words=LEVELS)
DEPARTS = Column(N_("Departs from the proposal"), itemgetter("departs_from_proposal"), "bool")

# Who: the servant, their unit and peer group.
PERSON = (
    SERVANT_CODE,
    FULL_NAME,
    Column(N_("Unit code"), itemgetter("unit_code")),
    UNIT,
    Column(N_("Peer group"), itemgetter("peer_group")),
)
# The computed proposal and why.
PROPOSAL = (
    Column(N_("Proposed level"), itemgetter("proposed_level"), words=LEVELS),
    Column(N_("Status"), itemgetter("status"), words=STATUSES),
    Column(N_("Reason"), itemgetter("reason"), words=REASONS),
)
# The competent authority's decision.
DECISION = (
    Column(N_("Decided level"), itemgetter("decided_level"), words=LEVELS),
    Column(N_("Decision number"), itemgetter("decision_no")),
)
