"""The trace of a personnel decision: decision → basis classifications →
explanations → events with ledger proofs — the document an inspector files.

It holds, as of the latest signed checkpoint, the decision as the read model
has it, the decision's own events with their proofs, and for each basis year
the classification as relied upon and as it stands, with an evidence bundle
(``projections.bundle``) for that year; and the appeals against those years.

``verify_trace`` checks all of it offline: every bundle, every proof, and —
folding the decision's events together with the bundles' — that the decision,
its flags, the basis as it stands now and the appeals are what the events give.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from eventsourcing.persistence import Notification

from domain.application import MinhBach
from domain.errors import InvalidState, InvalidValue, NotFound
from projections.bundle import fold_proven, make_bundle, signed_checkpoint, verify_bundle_events
from projections.evidence import (
    Proven,
    Report,
    canonical,
    check_checkpoint,
    compare,
    plain,
    prove_anchor,
    prove_list,
    proven_items,
)
from projections.explain import StoreEvents, event_ref, render
from projections.ledger import Ledger
from projections.replay import Replayed, replay

FORMAT = "minhbach-trace-v2"
FIELDS = (
    "format",
    "decision",
    "decision_events",
    "basis",
    "appeals",
    "checkpoint",
    "anchor",
    "as_of",
    "text",  # the same, readable (Vietnamese or English): checked too
)
ATTRIBUTION = ("actor", "role", "recorded_at", "source_ref")


def make_trace(
    app: MinhBach,
    ledger: Ledger,
    decision_no: str,
    agency: str | None = None,
    language: str = "vi",
    replayer: Callable[[int], Replayed | None] | None = None,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> dict[str, Any]:
    """The trace of decision ``decision_no`` of ``agency`` (which may be left out
    when only one agency has a decision of that number), as of the latest signed
    checkpoint, with its readable text in ``language``. ``replayer`` gives the state
    at the checkpoint from fewer events than the whole log (None: replay it);
    ``live()`` guards the ledger while a follower appends to it, held while the
    checkpoint and the proofs are read, never while events are folded."""
    with live():
        ledger.catch_up(force_checkpoint=True)
        checkpoint, position = signed_checkpoint(ledger)
    found = replayer(position) if replayer is not None else None
    replayed = replay(app, upto=position) if found is None else found
    numbers = [
        key
        for key in replayed.state.decisions
        if key[1] == decision_no and agency in (None, key[0])
    ]
    if not numbers:
        raise NotFound(
            f"personnel decision {decision_no} not found as of checkpoint {checkpoint.seq}"
        )
    if len(numbers) > 1:
        raise InvalidValue(
            f"several agencies have a personnel decision {decision_no}: name the agency",
            agencies=sorted(key[0] for key in numbers),
        )
    number = numbers[0]
    source = StoreEvents(app, ledger)
    decision = replayed.state.decisions[number]
    with live():
        own = proven_items(source, ledger, replayed.state.sources(decision.id), checkpoint.size)
        recomputed = _recompute(replayed, number)
        trace: dict[str, Any] = plain(
            {
                "format": FORMAT,
                "decision": recomputed["decision"],
                "decision_events": [
                    {**item, **_attribution(source, item["position"])} for item in own
                ],
                "basis": [
                    {
                        "relied_upon": relied,
                        "now": now,
                        "evidence": make_bundle(
                            app,
                            ledger,
                            decision.servant_code,
                            relied["year"],
                            (checkpoint, replayed),
                        ),
                    }
                    for relied, now in recomputed["basis"]
                ],
                "appeals": recomputed["appeals"],
                "checkpoint": checkpoint.as_dict(),
                "anchor": proven_items(source, ledger, [position], checkpoint.size)[0],
                "as_of": {"position": position},
            }
        )
    trace["text"] = render_trace(trace, language)
    problems: list[str] = []
    proven = Proven()
    prove_list(
        trace["decision_events"], checkpoint, proven, problems, "decision event", ATTRIBUTION
    )
    for entry in trace["basis"]:
        prove_list(entry["evidence"]["events"], checkpoint, proven, problems, "basis event")
    _compare(trace, proven, position, problems)
    if problems:  # the events chosen must suffice: anything else is a defect here
        raise InvalidState(f"the trace of {decision_no} does not recompute: {problems[0]}")
    return trace


def _attribution(source: StoreEvents, position: int) -> dict[str, Any]:
    notification = source.notification(position)
    assert notification is not None
    return attribution(notification)


def attribution(notification: Notification) -> dict[str, Any]:
    """Who recorded an event, in which role, when, on which document."""
    ref = event_ref(notification, None)
    return {
        "actor": ref.actor,
        "role": ref.role,
        "recorded_at": ref.recorded_at,
        "source_ref": ref.source_ref,
    }


def _recompute(replayed: Replayed, number: tuple[str, str]) -> dict[str, Any]:
    """What the events give for one decision (agency, number): its row, basis then
    and now, appeals."""
    row = replayed.deriver.decision_rows[number]
    decision = replayed.state.decisions[number]
    appeals = [
        replayed.deriver.appeal_rows[appeal]
        for b in decision.basis
        for appeal in sorted(replayed.state.appeals_on.get((decision.servant_code, b.year), ()))
    ]
    recomputed: dict[str, Any] = plain(
        {
            "decision": row,
            "basis": list(zip(row["basis"], row["current"], strict=True)),
            "appeals": appeals,
            "positions": replayed.state.sources(decision.id),
            "servant": decision.servant_code,
        }
    )
    return recomputed


def verify_trace(trace: Any, public_key: Any) -> Report:
    """Check a trace offline; every problem found, none when it proves all it shows."""
    report = Report()
    problems = report.problems
    if not isinstance(trace, dict) or trace.get("format") != FORMAT:
        problems.append(f"not a {FORMAT} document")
        return report
    if set(trace) != set(FIELDS):
        problems.append(f"a trace has exactly the fields {', '.join(FIELDS)}")
        return report
    checkpoint = check_checkpoint(trace["checkpoint"], public_key, problems)
    if checkpoint is None:
        return report
    proven = Proven()
    anchor = prove_anchor(trace["anchor"], checkpoint, Proven(), problems)
    prove_list(
        trace["decision_events"], checkpoint, proven, problems, "decision event", ATTRIBUTION
    )
    basis = trace["basis"] if isinstance(trace["basis"], list) else []
    if basis is not trace["basis"]:
        problems.append("basis: not a list")
    for number, entry in enumerate(basis):
        label = f"basis {number + 1}"
        if not isinstance(entry, dict) or set(entry) != {"relied_upon", "now", "evidence"}:
            problems.append(f"{label}: not a basis year with its evidence")
            continue
        evidence = entry["evidence"]
        if not isinstance(evidence, dict) or canonical(evidence.get("checkpoint")) != canonical(
            trace["checkpoint"]
        ):
            problems.append(f"{label}: its evidence is not proven against the trace's checkpoint")
            continue
        sub, events = verify_bundle_events(evidence, public_key)
        problems.extend(f"{label}: {problem}" for problem in sub.problems)
        for notification, index in events.events.values():
            try:
                proven.add(notification, index)
            except ValueError as error:
                problems.append(f"{label}: {error}")
    report.events = len(proven.events)
    if anchor is not None:
        _compare(trace, proven, anchor, problems)
    return report


def _compare(trace: dict[str, Any], proven: Proven, anchor: int, problems: list[str]) -> None:
    """Fold every proven event as of the anchor and name each claim they do not give."""
    compare("as_of", trace["as_of"], {"position": anchor}, problems)
    decision = trace["decision"]
    claimed = decision if isinstance(decision, dict) else {}
    number = (claimed.get("agency_code"), claimed.get("decision_no"))
    if not all(type(part) is str for part in number):
        problems.append("decision: no agency and decision number")
        return
    replayed = fold_proven(proven, anchor, problems)
    if replayed is None:
        return
    if number not in replayed.deriver.decision_rows:
        problems.append(f"decision {number[1]}: the proven events hold no such decision")
        return
    try:
        recomputed = _recompute(replayed, number)
    except Exception as error:  # a state folded from outside: any failure is a finding
        problems.append(
            f"the proven events do not give the decision: {type(error).__name__}: {error}"
        )
        return
    compare("decision", decision, recomputed["decision"], problems)
    given = trace["decision_events"]
    positions = [e.get("position") for e in given] if isinstance(given, list) else None
    if positions != recomputed["positions"]:
        problems.append(
            f"decision_events: positions {positions}, the decision's events are "
            f"{recomputed['positions']}"
        )
    for item in given if isinstance(given, list) else []:
        position = item.get("position") if isinstance(item, dict) else None
        found = proven.notification(position) if type(position) is int else None
        if found is not None:
            stated = {k: item.get(k) for k in ATTRIBUTION}
            compare(f"decision event {found.id}", stated, attribution(found), problems)
    basis = trace["basis"] if isinstance(trace["basis"], list) else []
    compare(
        "basis",
        [[e.get("relied_upon"), e.get("now")] for e in basis if isinstance(e, dict)],
        recomputed["basis"],
        problems,
    )
    for number_, (entry, (relied, _)) in enumerate(zip(basis, recomputed["basis"], strict=False)):
        evidence = entry.get("evidence") if isinstance(entry, dict) else None
        wanted = {"servant": recomputed["servant"], "year": relied["year"]}
        if not isinstance(evidence, dict) or canonical(evidence.get("subject")) != canonical(
            wanted
        ):
            problems.append(f"basis {number_ + 1}: the evidence is not that of {wanted}")
    compare("appeals", trace["appeals"], recomputed["appeals"], problems)
    readable = (render_trace(trace, "vi"), render_trace(trace, "en")) if not problems else ()
    if readable and trace["text"] not in readable:  # a trace proven in every other field
        problems.append("text: not the readable form of this trace")


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
