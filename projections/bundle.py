"""Evidence bundles: one file an inspector files and anyone can check offline.

A bundle holds the explanation of one annual classification and the stored
bytes of every event it rests on — the servant's own, and those of the peer
group and the subordinates whose results enter the quota and the leader's d
(``projections.closure``) — each with an inclusion proof against a signed
checkpoint, that checkpoint, and the event of its last leaf (which proves the
log position the explanation is "as of").

``verify_bundle`` needs only the bundle and the ledger's public key. It proves
every event, folds the proven events with the projections' own code and the
policy's pure functions, recomputes the whole explanation, and compares it with
the bundle's, field by field: a bundle proves everything it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from domain.application import MinhBach, event_mapper
from domain.errors import DomainError, InvalidState, NotFound
from projections.closure import year_records
from projections.evidence import (
    Proven,
    Report,
    check_checkpoint,
    compare,
    plain,
    prove_anchor,
    prove_list,
    proven_items,
)
from projections.explain import EventSource, Explainer, StoreEvents
from projections.ledger import Checkpoint, Ledger
from projections.organisation_evidence import organisation_explanation, organisation_positions
from projections.replay import Replayed, fold, replay

FORMAT = "minhbach-evidence-v2"
FIELDS = ("format", "subject", "checkpoint", "anchor", "explanation", "context", "events")

BundleReport = Report  # the name callers know


def signed_checkpoint(ledger: Ledger) -> tuple[Checkpoint, int]:
    """The latest checkpoint and the log position its last leaf holds."""
    checkpoint = ledger.latest()
    if checkpoint is None:
        raise InvalidState("no signed checkpoint yet: configure the ledger key and catch up")
    if checkpoint.size > len(ledger.tree):
        raise InvalidState(
            f"checkpoint {checkpoint.seq} covers {checkpoint.size} events but the ledger holds "
            f"{len(ledger.tree)}: run `minhbach verify` first"
        )
    return checkpoint, ledger.positions[checkpoint.size - 1]


def make_bundle(
    app: MinhBach,
    ledger: Ledger,
    servant: str,
    year: int,
    at: tuple[Checkpoint, Replayed] | None = None,
    replayer: Callable[[int], Replayed | None] | None = None,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> dict[str, Any]:
    """The evidence for one annual classification, as of the latest signed checkpoint
    (or of ``at``: a checkpoint and the replay of the log up to its last leaf).

    ``replayer`` gives the state at the checkpoint's last leaf from fewer events
    than the whole log (``projections.focused``), or None to replay it all;
    ``live()`` guards the ledger while a follower appends to it, held while the
    checkpoint and the proofs are read, never while events are folded."""
    return _make(app, ledger, {"servant": servant, "year": year}, at, replayer, live)


def make_organisation_bundle(
    app: MinhBach,
    ledger: Ledger,
    agency: str,
    unit: str | None,
    year: int,
    replayer: Callable[[int], Replayed | None] | None = None,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> dict[str, Any]:
    """The evidence for one organisation's year of rating (Chapter II), as of the
    latest signed checkpoint: the organisation view and every event it reads
    (``replayer`` and ``live`` as for :func:`make_bundle`)."""
    subject = {"agency": agency, "unit": unit, "year": year}
    return _make(app, ledger, subject, None, replayer, live)


def _make(
    app: MinhBach,
    ledger: Ledger,
    subject: dict[str, Any],
    at: tuple[Checkpoint, Replayed] | None,
    replayer: Callable[[int], Replayed | None] | None = None,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> dict[str, Any]:
    if at is None:
        with live():
            ledger.catch_up()
            checkpoint, position = signed_checkpoint(ledger)
        replayed = replayer(position) if replayer is not None else None
        if replayed is None:
            replayed = replay(app, upto=position)
    else:
        checkpoint, replayed = at
    source = StoreEvents(app, ledger)
    with live():
        explanation, inputs, needed = _explain(source, replayed, subject)
        anchor = replayed.position
        bundle: dict[str, Any] = plain(
            {
                "format": FORMAT,
                "subject": subject,
                "checkpoint": checkpoint.as_dict(),
                "anchor": proven_items(source, ledger, [anchor], checkpoint.size)[0],
                "explanation": explanation,
                "context": sorted(needed - inputs),
                "events": proven_items(source, ledger, needed | inputs, checkpoint.size),
            }
        )
    problems: list[str] = []
    recompute_bundle(bundle, _proven(bundle, checkpoint, problems), anchor, problems)
    if problems:  # the chosen events must suffice: anything else is a defect here
        what = " ".join(str(v) for v in subject.values() if v is not None)
        raise InvalidState(f"evidence for {what} does not recompute: {problems[0]}")
    return bundle


def _explain(
    source: EventSource, replayed: Replayed, subject: dict[str, Any]
) -> tuple[dict[str, Any], set[int], set[int]]:
    """The explanation of the subject, the positions it cites, and those it reads."""
    if "servant" in subject:
        servant, year = subject["servant"], subject["year"]
        explanation = Explainer(source, replayed).year(servant, year)
        inputs = {ref["position"] for ref in explanation["inputs"]}
        return explanation, inputs, _positions(replayed, servant, year)
    agency, unit, year = subject["agency"], subject["unit"], subject["year"]
    state = replayed.state
    found = organisation_explanation(state, agency, unit, year, replayed.position)
    if found is None:
        where = f"{agency}/{unit}" if unit else agency
        raise NotFound(f"nothing is recorded for the rating of {where} in {year}")
    needed = organisation_positions(state, agency, unit, year)
    return found, set(found["events"]), needed


def _positions(replayed: Replayed, servant: str, year: int) -> set[int]:
    records = year_records(replayed.state, replayed.deriver, servant, year)
    return {p for record in records for p in replayed.state.sources(record)}


def _proven(bundle: dict[str, Any], checkpoint: Checkpoint, problems: list[str]) -> Proven:
    proven = Proven()
    prove_list(bundle["events"], checkpoint, proven, problems, "event")
    return proven


def verify_bundle(bundle: Any, public_key: Any) -> Report:
    """Check a bundle offline; every problem found, none when it proves all it shows."""
    return verify_bundle_events(bundle, public_key)[0]


def verify_bundle_events(bundle: Any, public_key: Any) -> tuple[Report, Proven]:
    """``verify_bundle``, and the events the bundle proves (a trace folds them too)."""
    report, proven = Report(), Proven()
    problems = report.problems
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        problems.append(f"not a {FORMAT} bundle")
        return report, proven
    if set(bundle) != set(FIELDS):
        problems.append(f"a bundle has exactly the fields {', '.join(FIELDS)}")
        return report, proven
    checkpoint = check_checkpoint(bundle["checkpoint"], public_key, problems)
    if checkpoint is None:
        return report, proven
    anchor = prove_anchor(bundle["anchor"], checkpoint, Proven(), problems)
    prove_list(bundle["events"], checkpoint, proven, problems, "event")
    report.events = len(proven.events)
    if anchor is not None:
        recompute_bundle(bundle, proven, anchor, problems)
    return report, proven


def recompute_bundle(
    bundle: dict[str, Any], proven: Proven, anchor: int, problems: list[str]
) -> Replayed | None:
    """Fold the proven events as of ``anchor``, recompute the explanation and the
    events it needs, and name every claim of the bundle they do not give."""
    subject = bundle["subject"]
    if not _is_subject(subject):
        problems.append("subject: not a servant's code and a year, nor an organisation's")
        return None
    beyond = [p for p in proven.events if p > anchor]
    if beyond:
        problems.append(f"events {beyond[:5]} are after the checkpoint's last event {anchor}")
        return None
    replayed = fold_proven(proven, anchor, problems)
    if replayed is None:
        return None
    try:
        explanation, inputs, needed = _explain(proven, replayed, subject)
    except DomainError as error:
        problems.append(f"the proven events do not give this result: {error.message}")
        return None
    except Exception as error:  # a state folded from outside: any failure is a finding
        problems.append(f"the proven events do not explain: {type(error).__name__}: {error}")
        return None
    compare("explanation", bundle["explanation"], explanation, problems)
    compare("context", bundle["context"], sorted(needed - inputs), problems)
    unneeded = sorted(set(proven.events) - needed - inputs)
    if unneeded:
        problems.append(f"events {unneeded[:5]} are not among those the result uses")
    return replayed


def _is_subject(subject: Any) -> bool:
    """A servant's code and a year, or an agency's code, a unit's (or null) and a year."""
    if not isinstance(subject, dict) or type(subject.get("year")) is not int:
        return False
    if set(subject) == {"servant", "year"}:
        return type(subject["servant"]) is str
    return (
        set(subject) == {"agency", "unit", "year"}
        and type(subject["agency"]) is str
        and (subject["unit"] is None or type(subject["unit"]) is str)
    )


def fold_proven(proven: Proven, anchor: int, problems: list[str]) -> Replayed | None:
    """The projections of the proven events, as of the anchor's position."""
    try:
        replayed = fold(proven.in_log_order(), event_mapper())
    except Exception as error:  # bytes from outside: any failure to fold is a finding
        problems.append(f"the proven events do not fold: {type(error).__name__}: {error}")
        return None
    replayed.position = anchor
    return replayed
