"""SQL read models (SQLAlchemy 2 Core): the same tables on SQLite and PostgreSQL.

Exact decimals are stored as text (they are shown, never summed in SQL);
``score_cents`` holds the rounded score × 100 as an integer for sorting and
filtering. Every row names the policy version that produced it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

tracking = Table(
    "pj_tracking",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

period_results = Table(
    "pj_period_results",
    metadata,
    Column("servant_code", String(64), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("agency_code", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    Column("peer_group", String(64), nullable=False),
    Column("leadership", String(16), nullable=False),
    Column("scorable", Boolean, nullable=False),
    Column("reason_not_scorable", Text),
    # scored | not_scorable | pending_confirmation (general criteria not yet scored)
    Column("status", String(32), nullable=False),
    Column("assigned_units", String(64)),
    Column("completed_units", String(64)),
    Column("a", String(64)),
    Column("b", String(64)),
    Column("c", String(64)),
    Column("d", String(64)),
    Column("dd", String(64)),
    Column("e", String(64)),
    Column("criteria_total", String(64), nullable=False),
    Column("task_ratio", String(64)),
    Column("score", String(16)),
    Column("score_cents", Integer),
    Column("level", String(16)),
    Column("policy_id", String(32), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("policy_variant", String(64)),  # None: the policy as published
    Index("ix_pj_period_agency", "agency_code", "period"),
)

# What is still open in a period, for the reconciliation console: the tasks the
# servant holds without an accepted result, and how far Form 01 has come.
period_steps = Table(
    "pj_period_steps",
    metadata,
    Column("servant_code", String(64), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("agency_code", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    # [{task, title, deadline, stage, submission, submitted_on}], stage one of
    # no_result, returned (last result not accepted), awaiting_assessment
    Column("open_tasks", JSON, nullable=False),
    Column("form01", String(16), nullable=False),  # not_started, self_scored, confirmed
    Index("ix_pj_steps_agency", "agency_code", "period"),
)

annual_classifications = Table(
    "pj_annual_classifications",
    metadata,
    Column("servant_code", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("agency_code", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    Column("peer_group", String(64), nullable=False),
    # The quota pool (Art. 10(2), 20(5)): the classifying authority's agency and the group.
    Column("pool_authority", String(64), nullable=False),
    Column("pool_group", String(64), nullable=False),
    Column("leadership", String(16), nullable=False),
    Column("is_head", Boolean, nullable=False),
    Column("months_worked", String(16), nullable=False),
    Column("classifiable", Boolean, nullable=False),
    Column("scorable_periods", Integer, nullable=False),
    Column("annual_score", String(16)),
    Column("score_cents", Integer),
    Column("fail_triggers", JSON, nullable=False),
    Column("level_by_score", String(16)),
    Column("status", String(24), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("proposed_level", String(16)),
    Column("quota_rank", Integer),
    Column("quota_limit", Integer),
    Column("quota_verdict", String(16)),
    Column("quota_good_count", Integer),  # G: rated GOOD by score in the group (Art. 20(5))
    Column("tied_with", JSON, nullable=False),
    Column("hr_proposed_level", String(16)),
    Column("hr_departs", Boolean, nullable=False),  # HR proposed other than the computed level
    Column("hr_departure_reason", Text),
    Column("proposal_recorded", Boolean, nullable=False),  # HR recorded its proposal
    Column("decided_level", String(16)),
    Column("decision_no", String(64)),
    Column("departs_from_proposal", Boolean, nullable=False),
    Column("departure_reason", Text),
    Column("decisions", JSON, nullable=False),  # every decision, oldest first: superseded stay
    Column("appeals", JSON, nullable=False),  # appeals against this year, with their outcome
    Column("notified_on", Date),
    Column("policy_id", String(32), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("policy_variant", String(64)),
    Index("ix_pj_annual_agency", "agency_code", "year", "score_cents"),
    Index("ix_pj_annual_group", "agency_code", "peer_group", "year"),
)

# Quarter and half-year results (Art. 17(3)): bonuses use the quarter's, reassignment
# the half-year's (Art. 23(1–2)). Spans are ``2026-Q2`` and ``2026-H1``.
interim_results = Table(
    "pj_interim_results",
    metadata,
    Column("servant_code", String(64), primary_key=True),
    Column("span", String(8), primary_key=True),
    Column("kind", String(16), nullable=False),  # quarter, half_year
    Column("year", Integer, nullable=False),
    Column("agency_code", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    Column("peer_group", String(64), nullable=False),
    Column("periods", JSON, nullable=False),  # the period results averaged
    Column("left_out", JSON, nullable=False),  # periods without a score
    Column("score", String(16)),
    Column("score_cents", Integer),
    Column("level", String(16)),  # indicative, by score
    Column("policy_id", String(32), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("policy_variant", String(64)),
    Index("ix_pj_interim_agency", "agency_code", "span"),
)

discipline_register = Table(
    "pj_discipline_register",
    metadata,
    Column("decision_no", String(64), primary_key=True),
    Column("servant_code", String(64), nullable=False, index=True),
    Column("agency_code", String(64), nullable=False),
    Column("form", String(32), nullable=False),
    Column("public_service_related", Boolean, nullable=False),
    Column("violation_ref", String(64)),
    Column("decided_on", Date, nullable=False),
    Column("counted_year", Integer, nullable=False),
    Column("annulled", Boolean, nullable=False),
)

personnel_decisions = Table(
    "pj_personnel_decisions",
    metadata,
    Column("agency_code", String(64), primary_key=True),  # numbers are per agency
    Column("decision_no", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("servant_code", String(64), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("proposed_by", String(64), nullable=False),
    Column("approved_by", String(64)),
    Column("executed_on", Date),
    Column("basis", JSON, nullable=False),  # as relied upon: year, decision_no, level
    Column("current", JSON, nullable=False),  # as it stands: decision, decided, computed
    Column("flagged", Boolean, nullable=False),
    Column("flag_reasons", JSON, nullable=False),
    Column("reviews", Integer, nullable=False),
)

appeals = Table(
    "pj_appeals",
    metadata,
    Column("agency_code", String(64), primary_key=True),  # numbers are per agency
    Column("appeal_no", String(64), primary_key=True),
    Column("servant_code", String(64), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("decision_no", String(64), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("reviewer", String(64)),
    Column("status", String(16), nullable=False),  # open, upheld, amended
    Column("resolved_on", Date),
    Column("corrections", JSON, nullable=False),
    Column("filed_at_position", BigInteger, nullable=False),
)

VIEWS = (
    period_results,
    period_steps,
    interim_results,
    annual_classifications,
    discipline_register,
    personnel_decisions,
    appeals,
)
KEYS = {
    period_results.name: ("servant_code", "period"),
    period_steps.name: ("servant_code", "period"),
    interim_results.name: ("servant_code", "span"),
    annual_classifications.name: ("servant_code", "year"),
    discipline_register.name: ("decision_no",),
    personnel_decisions.name: ("agency_code", "decision_no"),
    appeals.name: ("agency_code", "appeal_no"),
}

# --- the tamper-evident ledger -----------------------------------------------------

# Leaves are stored a batch at a time: packed big-endian u64 positions and the
# 32-byte leaf hashes, in log order (one row per batch costs far less than one
# row per event, and the ledger's rows are never read one by one).
ledger_chunks = Table(
    "pj_ledger_chunks",
    metadata,
    Column("first_leaf", BigInteger, primary_key=True, autoincrement=False),
    Column("leaves", Integer, nullable=False),
    Column("positions", LargeBinary, nullable=False),
    Column("hashes", LargeBinary, nullable=False),
)

ledger_checkpoints = Table(
    "pj_ledger_checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("root_hash", String(64), nullable=False),
    Column("signed_at", String(40), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
)

# --- what the followers could not get past --------------------------------------

# One row per projection that halted on an event it cannot take in (kept across
# restarts and shown by `minhbach project status` and `/health`); the follower
# that commits past the position deletes it.
projection_faults = Table(
    "pj_faults",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("topic", Text),
    Column("error", Text, nullable=False),
    Column("recorded_at", String(40), nullable=False),
)
