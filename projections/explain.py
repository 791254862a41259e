"""Explanations: how a period result or an annual classification arose — every
step of arithmetic, and for every input the event it came from, with its log
position, actor, role, time, source document and ledger leaf.

Explanations are computed from a replay of the log (``projections.replay``),
so they can be asked for as of any past position or moment. The events behind
them are read from an ``EventSource``: the store and its ledger, or — in an
offline verifier — the proven events of an evidence bundle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import MinhBach
from domain.classification import classification_id
from domain.discipline import conclusion_id
from domain.errors import NotFound
from domain.evaluation import evaluation_id
from domain.policy import Step
from domain.servant import DeputyArea, servant_id
from domain.task import Submission, task_id
from domain.values import Period
from projections.findings import findings
from projections.lean import LeanReader, notification
from projections.ledger import Ledger
from projections.replay import READ_PAGE, Replayed


@dataclass(frozen=True)
class EventRef:
    position: int
    type: str
    aggregate_id: str
    version: int
    actor: str
    role: str
    recorded_at: str
    source_ref: str | None
    leaf_index: int | None
    leaf_hash: str | None


_STEP_FIELDS = tuple(f.name for f in fields(Step))
_REF_FIELDS = tuple(f.name for f in fields(EventRef))


def _subordinates_formula(area: DeputyArea | None) -> str:
    """Whose levels make d: a deputy's assigned area, or those the leader may evaluate."""
    if area is None:
        return "those the leader may evaluate on the period's last day"
    parts = [f"units {', '.join(area.unit_codes)}"] if area.unit_codes else []
    parts += [f"servants {', '.join(area.servant_codes)}"] if area.servant_codes else []
    document = f" ({area.document_ref})" if area.document_ref else ""
    return (
        f"the deputy's assigned area from {area.effective.isoformat()}{document}: "
        f"{'; '.join(parts)}, below the deputy's rank"
    )


def attachment_entry(submission: Submission) -> dict[str, Any]:
    """A result's document as the log records it: name, size and SHA-256, not its bytes."""
    attached = submission.attachment
    assert attached is not None
    return {
        "submission": submission.number,
        "name": attached.name,
        "sha256": attached.sha256,
        "size": attached.size,
    }


def _step(step: Step, sources: dict[str, list[int]]) -> dict[str, Any]:
    # Flat fields: a plain dict, without ``asdict``'s deep copies (explanations
    # are recomputed for every bundle a verifier checks).
    entry = {name: getattr(step, name) for name in _STEP_FIELDS}
    entry["refs"] = list(step.refs)
    entry["events"] = sorted({p for ref in step.refs for p in sources.get(ref, ())})
    return entry


class EventSource(Protocol):
    """Where an explanation reads the stored events and ledger leaves behind it."""

    def notification(self, position: int) -> Notification | None: ...

    def leaf(self, position: int) -> tuple[int, bytes] | None:
        """The ledger leaf index and hash of the event at ``position``, if it has one."""
        ...


class StoreEvents:
    """The events of the store, and the leaves of its ledger (when given)."""

    def __init__(self, app: MinhBach, ledger: Ledger | None = None) -> None:
        self.app = app
        self.ledger = ledger
        self._read: dict[int, Notification] = {}

    def load(self, positions: Iterable[int], gap: int = 128) -> None:
        """Read many events by position, a page a statement (elsewhere than SQLite
        and PostgreSQL, a stretch of the log at a time, stretches breaking where
        ``gap`` unwanted events lie between) rather than one query each."""
        wanted = sorted(set(positions) - set(self._read))
        reader = LeanReader(self.app, READ_PAGE)
        if reader.can_select_at:
            for row in reader.rows_at(wanted):
                self._read[row.id] = notification(row, reader.convert_id)
            return
        runs: list[list[int]] = []
        for position in wanted:
            if runs and position - runs[-1][-1] <= gap:
                runs[-1].append(position)
            else:
                runs.append([position])
        for run in runs:
            needed, after, stop = set(run), run[0] - 1, run[-1]
            while after < stop:
                page = self.app.recorder.select_notifications(
                    start=after, limit=2_000, stop=stop, inclusive_of_start=False
                )
                if not page:
                    break
                self._read.update({n.id: n for n in page if n.id in needed})
                after = page[-1].id

    def notification(self, position: int) -> Notification | None:
        if position not in self._read:
            found = self.app.recorder.select_notifications(start=position, limit=1)
            if not found or found[0].id != position:
                return None
            self._read[position] = found[0]
        return self._read[position]

    def leaf(self, position: int) -> tuple[int, bytes] | None:
        if self.ledger is None or (index := self.ledger.index_of.get(position)) is None:
            return None
        return index, self.ledger.tree.leaf(index)


def event_ref(notification: Notification, leaf: tuple[int, bytes] | None) -> EventRef:
    """What an explanation says about one event, read from its stored bytes."""
    state = json.loads(notification.state)
    timestamp = state.get("timestamp", {})
    return EventRef(
        position=notification.id,
        type=notification.topic,
        aggregate_id=str(notification.originator_id),
        version=notification.originator_version,
        actor=str(state.get("actor", "")),
        role=str(state.get("actor_role", "")),
        recorded_at=str(timestamp.get("_data_", "")) if isinstance(timestamp, dict) else "",
        source_ref=state.get("source_ref"),
        leaf_index=leaf[0] if leaf else None,
        leaf_hash=leaf[1].hex() if leaf else None,
    )


def event_refs(source: EventSource, positions: Iterable[int]) -> list[EventRef]:
    wanted = sorted(set(positions))
    if isinstance(source, StoreEvents):
        source.load(wanted)  # pages of the log, not one query per event
    refs = []
    for position in wanted:
        notification = source.notification(position)
        if notification is not None:
            refs.append(event_ref(notification, source.leaf(position)))
    return refs


class Explainer:
    """Explains results against one replayed state of the log."""

    def __init__(self, events: EventSource, replayed: Replayed) -> None:
        self.events = events
        self.replayed = replayed
        self.state = replayed.state
        self.deriver = replayed.deriver

    def _positions(self, aggregate_id: UUID) -> list[int]:
        return self.state.sources(aggregate_id)

    def _task_sources(self, codes: set[str]) -> dict[str, list[int]]:
        return {code: self._positions(task_id(code)) for code in codes}

    def _period_section(self, servant: str, period: str) -> tuple[dict[str, Any], set[int]]:
        computation = self.deriver.compute_period((servant, period))
        if computation is None:
            raise NotFound(f"no record of {servant}")
        tasks = self.state.tasks((servant, period))
        sources = self._task_sources({t.code for t in tasks})
        positions = {p for ps in sources.values() for p in ps}
        positions |= set(self._positions(evaluation_id(servant, period)))
        steps = [_step(s, sources) for s in computation.leader_steps + computation.result.steps]
        if computation.leader is not None:
            steps.insert(
                0,
                {
                    "key": "subordinates",
                    "label": "servants under the leader's authority (for d)",
                    "formula": _subordinates_formula(computation.area),
                    "substitution": ", ".join(computation.subordinates) or "none",
                    "result": str(len(computation.subordinates)),
                    "refs": list(computation.subordinates),
                    "rule": "Art. 15(4)" if computation.area else "Art. 10, Art. 15(3)",
                    "events": [],
                },
            )
        row = self.deriver.period_rows.get((servant, period))
        # Each task with the events behind it (a reader unfolds a month into its tasks).
        listed = [{"code": t.code, "title": t.title, "events": sources[t.code]} for t in tasks]
        for entry, task in zip(listed, tasks, strict=True):
            attached = [attachment_entry(s) for s in task.submissions if s.attachment]
            if attached:  # only then: an explanation without documents reads as before
                entry["attachments"] = attached
        section = {"title": f"period {period}", "result": row, "steps": steps, "tasks": listed}
        return section, positions

    def period(self, servant: str, period: str) -> dict[str, Any]:
        if (servant, period) not in self.deriver.period_rows:
            raise NotFound(f"no result for {servant} in {period} as of {self.replayed.position}")
        section, positions = self._period_section(servant, period)
        positions |= set(self._positions(servant_id(servant)))
        computation = self.deriver.compute_period((servant, period))
        assert computation is not None  # a period with a row has a servant
        return self._document(
            {"servant": servant, "period": period},
            section["result"],
            [section],
            positions,
            computation.policy,
        )

    def year(self, servant: str, year: int) -> dict[str, Any]:
        row = self.deriver.annual_rows.get((servant, year))
        basis = self.deriver.bases.get((servant, year))
        if row is None or basis is None:
            raise NotFound(
                f"no classification of {servant} for {year} as of {self.replayed.position}"
            )
        sections, positions = [], set(self._positions(servant_id(servant)))
        for key in sorted(k for k in self.deriver.period_rows if k[0] == servant):
            if Period.parse(key[1]).year == year:
                section, used = self._period_section(servant, key[1])
                sections.append(section)
                positions |= used
        decisions = {
            d.decision_no: self._positions(d.id)
            for d in self.state.disciplines.get(servant, {}).values()
        }
        decisions |= {
            c.conclusion_no: self._positions(conclusion_id(c.conclusion_no))
            for c in self.state.conclusions.get(servant, {}).values()
        }
        positions |= {p for ps in decisions.values() for p in ps}
        sections.append(
            {"title": f"year {year}", "steps": [_step(s, decisions) for s in basis["_steps"]]}
        )
        pool = basis["_pool"]
        standing = self.replayed.standing(servant, year)
        steps = [_step(s, {}) for s in (standing.quota.steps if standing.quota else ())]
        steps += [_step(s, {}) for s in standing.proposal.steps]
        sections.append(
            {
                "title": f"classification in the quota pool {pool.group} ({pool.authority})",
                "steps": steps,
            }
        )
        for code in {pool.authority, basis["agency_code"]}:
            if (agency := self.state.agencies.get(code)) is not None:
                positions |= set(self._positions(agency.id))
        for appeal_no in self.state.appeals_on.get((servant, year), ()):
            positions |= set(self._positions(self.state.appeals[appeal_no].id))
        classification = self.state.classifications.get((servant, year))
        if classification is not None:
            positions |= set(self._positions(classification_id(servant, year)))
            sections.append(
                {
                    "title": "decision",
                    "steps": [
                        {
                            "key": "decided_level",
                            "label": "level decided by the competent authority",
                            "formula": "recorded decision; a level other than the computed "
                            "proposal needs a written reason (Art. 21)",
                            "substitution": (", ".join(classification.decisions) or "none")
                            + (
                                f"; departs from {row['proposed_level'] or 'no level'}: "
                                f"{row['departure_reason']}"
                                if row["departs_from_proposal"]
                                else ""
                            ),
                            "result": classification.decided_level or "not decided",
                            "refs": list(classification.decisions),
                            "rule": "Art. 21",
                            "events": self._positions(classification.id),
                        }
                    ],
                }
            )
        document = self._document(
            {"servant": servant, "year": year}, row, sections, positions, basis["_policy"]
        )
        ratio = standing.quota.value.ratio if standing.quota is not None else None
        document["findings"] = findings(row, basis, self.state, decisions, ratio)
        return document

    def _document(
        self,
        subject: dict[str, Any],
        result: dict[str, Any] | None,
        sections: list[dict[str, Any]],
        positions: set[int],
        policy: Any,
    ) -> dict[str, Any]:
        return {
            "subject": subject,
            "as_of": {"position": self.replayed.position},
            "policy": {
                "id": policy.policy_id,
                "version": policy.version,
                "variant": policy.variant,
                "parameters": policy.parameters(),
            },
            "result": _plain(result),
            "sections": sections,
            "inputs": [
                {name: getattr(ref, name) for name in _REF_FIELDS}
                for ref in event_refs(self.events, positions)
            ],
        }


def _plain(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        k: (v if isinstance(v, str | int | float | bool | list) or v is None else str(v))
        for k, v in row.items()
        if not k.startswith("_")
    }


# --- readable text, in Vietnamese or English ---------------------------------------

VI_LABELS = {
    "a": "Số lượng (a)",
    "b": "Chất lượng (b)",
    "c": "Tiến độ (c)",
    "d": "Kết quả của cơ quan, đơn vị (d)",
    "dd": "Năng lực tổ chức triển khai (đ)",
    "e": "Năng lực đoàn kết (e)",
    "assigned_units": "Tổng sản phẩm được giao (quy đổi)",
    "completed_units": "Tổng sản phẩm hoàn thành (quy đổi)",
    "quality_units": "Sản phẩm đạt chất lượng (quy đổi)",
    "progress_units": "Sản phẩm đạt tiến độ (quy đổi)",
    "item_quality": "Chất lượng từng sản phẩm",
    "item_progress": "Tiến độ từng sản phẩm",
    "not_scorable": "Không đủ căn cứ tính điểm",
    "criteria_total": "Điểm tiêu chí chung",
    "criteria_source": "Điểm tiêu chí chung được tính",
    "pending_confirmation": "Chờ xác nhận",
    "task_ratio_uncapped": "Tỷ lệ hoàn thành nhiệm vụ (chưa giới hạn)",
    "task_ratio": "Tỷ lệ hoàn thành nhiệm vụ",
    "period_score_unrounded": "Điểm kỳ (chưa làm tròn)",
    "period_score": "Điểm kỳ",
    "level": "Mức xếp loại theo điểm",
    "subordinates": "Công chức thuộc quyền quản lý (tính d)",
    "mean_score_unrounded": "Điểm bình quân (chưa làm tròn)",
    "mean_score": "Điểm bình quân năm",
    "periods_left_out": "Kỳ không tính điểm",
    "months_worked": "Thời gian công tác (tháng)",
    "classifiable": "Đủ điều kiện xếp loại",
    "fail_triggers": "Căn cứ xếp loại Không hoàn thành nhiệm vụ",
    "discipline": "Quyết định kỷ luật",
    "conclusion": "Kết luận của cấp có thẩm quyền",
    "same_violation": "Cùng một hành vi vi phạm",
    "level_by_score": "Mức xếp loại theo điểm năm",
    "quota_ratio": "Tỷ lệ Hoàn thành xuất sắc",
    "quota_limit": "Số lượng Hoàn thành xuất sắc tối đa",
    "quota_ranking": "Thứ tự theo điểm",
    "quota": "Kết quả áp dụng tỷ lệ",
    "quota_tie": "Bằng điểm tại ngưỡng tỷ lệ",
    "organisation_cap": "Giới hạn theo xếp loại của cơ quan",
    "quota_decided": "Đã quyết định Hoàn thành xuất sắc",
    "proposal": "Mức đề xuất",
    "decided_level": "Mức do cấp có thẩm quyền quyết định",
}

SECTION_VI = (
    ("classification in the quota pool", "Xếp loại trong nhóm tính tỷ lệ"),
    ("period", "Kỳ"),
    ("year", "Năm"),
    ("decision", "Quyết định"),
)

TEXT = {
    "en": {
        "title": "Explanation",
        "as_of": "as of log position",
        "policy": "policy",
        "inputs": "Inputs (events)",
        "by": "by",
        "doc": "document",
        "leaf": "ledger leaf",
    },
    "vi": {
        "title": "Giải trình",
        "as_of": "tại vị trí nhật ký",
        "policy": "chính sách",
        "inputs": "Căn cứ (sự kiện)",
        "by": "người ghi",
        "doc": "văn bản",
        "leaf": "lá sổ cái",
    },
}


def render(explanation: dict[str, Any], language: str = "vi") -> str:
    words = TEXT["vi" if language == "vi" else "en"]
    subject = " ".join(f"{k} {v}" for k, v in explanation["subject"].items())
    policy = explanation["policy"]
    lines = [
        f"{words['title']}: {subject} — {words['as_of']} {explanation['as_of']['position']}, "
        f"{words['policy']} {policy['id']} v{policy['version']}",
        "",
    ]
    for section in explanation["sections"]:
        title = section["title"]
        if language == "vi":
            for english, vietnamese in SECTION_VI:
                title = title.replace(english, vietnamese)
        lines.append(f"== {title} ==")
        for step in section["steps"]:
            label = VI_LABELS.get(step["key"], step["label"]) if language == "vi" else step["label"]
            events = f"  [events {', '.join(map(str, step['events']))}]" if step["events"] else ""
            lines.append(
                f"  {label}: {step['formula']} = {step['substitution']} = {step['result']}"
                f"  ({step['rule']}){events}"
            )
        lines.append("")
    lines.append(f"== {words['inputs']} ==")
    for ref in explanation["inputs"]:
        leaf = (
            f", {words['leaf']} {ref['leaf_index']} {ref['leaf_hash'][:16]}…"
            if ref["leaf_hash"]
            else ""
        )
        doc = f", {words['doc']} {ref['source_ref']}" if ref["source_ref"] else ""
        lines.append(
            f"  #{ref['position']} {ref['type']} v{ref['version']} — {words['by']} {ref['actor']} "
            f"({ref['role']}) {ref['recorded_at']}{doc}{leaf}"
        )
    return "\n".join(lines)
