"""The trace of a personnel decision: decision → basis classifications →
explanations → events with ledger proofs — the document an inspector files.

It holds, for each basis year, the classification as relied upon and as it
stands now, its explanation, and an evidence bundle (the events and their
inclusion proofs against a signed checkpoint); and the decision's own events
with their proofs. ``verify_trace`` checks all of it offline.
"""

from __future__ import annotations

from typing import Any

from domain.application import MinhBach
from domain.errors import InvalidState, InvalidValue, NotFound
from projections.bundle import (
    BundleReport,
    make_bundle,
    proven_event,
    stored_event,
    verify_bundle,
)
from projections.explain import event_refs, render
from projections.ledger import Checkpoint, Ledger, event_leaf
from projections.merkle import ProofError, verify_inclusion
from projections.replay import replay

FORMAT = "minhbach-trace-v1"


def make_trace(
    app: MinhBach, ledger: Ledger, decision_no: str, agency: str | None = None
) -> dict[str, Any]:
    """The trace of decision ``decision_no`` of ``agency`` (which may be left out
    when only one agency has a decision of that number)."""
    ledger.catch_up(force_checkpoint=True)
    checkpoint = ledger.latest()
    if checkpoint is None:
        raise InvalidState("no signed checkpoint yet: configure the ledger key and catch up")
    replayed = replay(app)
    numbers = [
        key
        for key in replayed.state.decisions
        if key[1] == decision_no and agency in (None, key[0])
    ]
    if not numbers:
        raise NotFound(f"personnel decision {decision_no} not found")
    if len(numbers) > 1:
        raise InvalidValue(
            f"several agencies have a personnel decision {decision_no}: name the agency",
            agencies=sorted(key[0] for key in numbers),
        )
    row = replayed.deriver.decision_rows[numbers[0]]
    decision = replayed.state.decisions[numbers[0]]
    positions = [p for p in replayed.state.sources(decision.id) if p in ledger.index_of]
    own = [
        {
            **proven_event(app, ledger, ref.position, checkpoint.size),
            "actor": ref.actor,
            "role": ref.role,
            "recorded_at": ref.recorded_at,
            "source_ref": ref.source_ref,
        }
        for ref in event_refs(app, set(positions), ledger)
    ]
    basis = []
    for relied, current in zip(row["basis"], row["current"], strict=True):
        bundle = make_bundle(app, ledger, decision.servant_code, int(relied["year"]))
        basis.append({"relied_upon": relied, "now": current, "evidence": bundle})
    appeals = [
        dict(replayed.deriver.appeal_rows[number])
        for b in decision.basis
        for number in sorted(replayed.state.appeals_on.get((decision.servant_code, b.year), ()))
    ]
    return {
        "format": FORMAT,
        "decision": _plain(row),
        "decision_events": own,
        "basis": basis,
        "appeals": [_plain(a) for a in appeals],
        "checkpoint": checkpoint.as_dict(),
        "as_of": {"position": replayed.position},
    }


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def verify_trace(trace: dict[str, Any], public_key: Any) -> BundleReport:
    """Every bundle verifies, and the decision's own events are proven too."""
    report = BundleReport()
    if trace.get("format") != FORMAT:
        report.problems.append(f"not a {FORMAT} document")
        return report
    checkpoint = Checkpoint.from_dict(trace["checkpoint"])
    if not checkpoint.verify(public_key):
        report.problems.append(f"checkpoint {checkpoint.seq} is not signed by this key")
    for item in trace.get("decision_events", []):
        report.events += 1
        try:
            verify_inclusion(
                event_leaf(stored_event(item)),
                int(item["leaf_index"]),
                checkpoint.size,
                [bytes.fromhex(h) for h in item["inclusion_proof"]],
                bytes.fromhex(checkpoint.root_hash),
            )
        except (ProofError, ValueError, KeyError) as error:
            report.problems.append(f"decision event {item.get('position')}: {error}")
    for entry in trace.get("basis", []):
        sub = verify_bundle(entry.get("evidence", {}), public_key)
        report.events += sub.events
        year = entry.get("relied_upon", {}).get("year")
        report.problems.extend(f"basis {year}: {problem}" for problem in sub.problems)
    return report


def render_trace(trace: dict[str, Any], language: str = "vi") -> str:
    vi = language == "vi"
    decision = trace["decision"]
    lines = [
        ("Truy vết quyết định" if vi else "Trace of decision")
        + f" {decision['decision_no']} ({decision['kind']}) — {decision['servant_code']}, "
        + ("trạng thái" if vi else "status")
        + f" {decision['status']}",
        ("Đề xuất" if vi else "Proposed by")
        + f": {decision['proposed_by']}; "
        + ("phê duyệt" if vi else "approved by")
        + f": {decision['approved_by'] or '—'}; "
        + ("thực hiện" if vi else "executed")
        + f": {decision['executed_on'] or '—'}",
    ]
    if decision["flagged"]:
        lines.append(("CẦN XEM XÉT LẠI" if vi else "FLAGGED FOR REVIEW") + ":")
        lines.extend(f"  - {reason}" for reason in decision["flag_reasons"])
    lines.append("")
    for item in trace["decision_events"]:
        lines.append(
            f"  #{item['position']} {item['topic']} — {item['actor']} ({item['role']}) "
            f"{item['recorded_at']} {item['source_ref'] or ''}"
        )
    for entry in trace["basis"]:
        relied, now = entry["relied_upon"], entry["now"]
        lines += [
            "",
            ("Căn cứ năm" if vi else "Basis year")
            + f" {relied['year']}: "
            + ("đã dựa trên" if vi else "relied on")
            + f" {relied['decision_no']} = {relied['level']}; "
            + ("hiện nay" if vi else "now")
            + f" {now['decision_no']} = {now['decided_level']}, "
            + ("theo dữ kiện" if vi else "the facts give")
            + f" {now['computed_level']}",
            render(entry["evidence"]["explanation"], language),
        ]
    if trace["appeals"]:
        lines.append("")
        lines.append("Kiến nghị" if vi else "Appeals")
        for appeal in trace["appeals"]:
            lines.append(
                f"  {appeal['appeal_no']}: {appeal['status']}, "
                + ("nhận" if vi else "received")
                + f" {appeal['received_on']}, "
                + ("hạn" if vi else "due")
                + f" {appeal['due_on']}, "
                + ("sửa đổi" if vi else "corrections")
                + f": {', '.join(c['command'] + ' ' + c['target'] for c in appeal['corrections'])}"
            )
    checkpoint = trace["checkpoint"]
    lines += [
        "",
        ("Chứng cứ: điểm kiểm tra" if vi else "Evidence: checkpoint")
        + f" {checkpoint['seq']} (size {checkpoint['size']}, key {checkpoint['key_id']}) — "
        + ("kiểm tra ngoại tuyến" if vi else "check offline")
        + ": minhbach verify-trace FILE --public-key KEY",
    ]
    return "\n".join(lines)
