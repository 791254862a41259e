"""Catalogue and staff uploads: previewed against the records, applied all or nothing,
idempotent on re-upload (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from api.uploads import preview
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.batch import BatchRefused
from domain.catalogue import Catalogue, catalogue_id
from domain.errors import ConcurrencyConflict, NotAuthorised, NotFound, OutsideAgency
from domain.servant import CivilServant, servant_id
from tests.app.scenario import ADMIN, log_size
from tests.workbooks import PRODUCTS, workbook

HR = CommandContext(Actor("hr-a", Role.HR, "A"))
STAFF = [
    ("CC-1", "Trần Thị Bình", "P1", "Phòng Một", "truong-phong", "", "cấp trưởng", "2019-01-01"),
    ("CC-2", "Lê Minh Châu", "P1", "", "chuyen-vien", "cv-p1", "", "2020-03-01"),
    ("CC-3", "Phạm Quốc Dũng", "P2", "Phòng Hai", "chuyen-vien", "", "staff", date(2021, 2, 1)),
]


@pytest.fixture
def agency(app: MinhBach) -> MinhBach:
    app.execute(c.RegisterAgency(code="A", title="Sở A"), ADMIN)
    return app


def test_a_catalogue_is_previewed_then_applied_and_a_reupload_records_nothing(
    agency: MinhBach,
) -> None:
    content = workbook("catalogue", PRODUCTS)
    size = log_size(agency)
    seen = preview(agency, HR, "catalogue", "A", content)
    assert [(r.row, r.code, r.status) for r in seen.rows] == [
        (2, "BC-TH", "add"),
        (3, "VB-TL", "add"),
    ]
    assert log_size(agency) == size  # a preview records nothing
    done = preview(agency, HR, "catalogue", "A", content, apply=True)
    assert done.applied and done.count("add") == 2
    catalogue = agency.find(Catalogue, catalogue_id("A"))
    assert catalogue is not None and set(catalogue.products) == {"BC-TH", "VB-TL"}
    size = log_size(agency)
    again = preview(agency, HR, "catalogue", "A", content, apply=True)
    assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
    assert log_size(agency) == size


def test_rows_recorded_elsewhere_are_unchanged_and_a_changed_one_is_refused(
    agency: MinhBach,
) -> None:
    agency.execute(
        c.AddProduct(
            agency="A",
            product="BC-TH",
            title="Báo cáo tổng hợp",
            position="chuyen-vien",
            complexity_group=3,
            factor="1.50",
            effective_from=date(2026, 1, 1),
        ),
        HR,
    )
    seen = preview(agency, HR, "catalogue", "A", workbook("catalogue", PRODUCTS))
    assert [r.status for r in seen.rows] == ["unchanged", "add"]
    changed = [("BC-TH", "Báo cáo khác", "chuyen-vien", 3, 2, date(2026, 1, 1))]
    refused = preview(agency, HR, "catalogue", "A", workbook("catalogue", changed))
    (row,) = refused.rows
    assert row.status == "error"
    assert [(e.row, e.column, e.code) for e in row.errors] == [(2, "product", "already_exists")]


def test_staff_open_their_units_once_and_reuploading_records_nothing(agency: MinhBach) -> None:
    content = workbook("staff", STAFF)
    seen = preview(agency, HR, "staff", "A", content)
    assert [r.commands for r in seen.rows] == [
        ("open_unit", "register_servant"),
        ("register_servant",),
        ("open_unit", "register_servant"),
    ]
    preview(agency, HR, "staff", "A", content, apply=True)
    head = agency.find(CivilServant, servant_id("CC-1"))
    assert head is not None and head.placement.leadership.value == "head"
    second = agency.find(CivilServant, servant_id("CC-2"))
    assert second is not None and second.placement.peer_group == "cv-p1"
    size = log_size(agency)
    again = preview(agency, HR, "staff", "A", content, apply=True)
    assert {r.status for r in again.rows} == {"unchanged"}
    assert log_size(agency) == size


def test_one_bad_row_applies_nothing(agency: MinhBach) -> None:
    rows = [*STAFF, ("CC-4", "Ngô Văn Em", "P9", "", "chuyen-vien", "", "", "2022-01-01")]
    content = workbook("staff", rows)
    seen = preview(agency, HR, "staff", "A", content)
    assert [(e.row, e.column, e.code) for r in seen.rows for e in r.errors] == [
        (5, "unit", "not_found")
    ]
    size = log_size(agency)
    with pytest.raises(BatchRefused, match="rows 5"):
        preview(agency, HR, "staff", "A", content, apply=True)
    assert log_size(agency) == size
    assert agency.find(CivilServant, servant_id("CC-1")) is None


def test_only_the_agencys_hr_or_an_admin_may_import(agency: MinhBach) -> None:
    content = workbook("catalogue", PRODUCTS)
    other_hr = CommandContext(Actor("hr-b", Role.HR, "B"))
    manager = CommandContext(Actor("CC-1", Role.MANAGER))
    with pytest.raises(OutsideAgency):
        preview(agency, other_hr, "catalogue", "A", content)
    with pytest.raises(NotAuthorised):
        preview(agency, manager, "catalogue", "A", content)
    with pytest.raises(NotFound):
        preview(agency, ADMIN, "catalogue", "NOPE", content)
    assert preview(agency, ADMIN, "catalogue", "A", content).ok


def test_records_changed_between_the_check_and_the_save_record_nothing(
    agency: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone adds a product while an upload is being saved: the upload's
    transaction collides and records nothing; the other's product stands."""
    save = agency.save
    other = c.AddProduct(
        agency="A",
        product="KH-NAM",
        title="Kế hoạch năm",
        position="truong-phong",
        complexity_group=5,
        factor="4",
        effective_from=date(2026, 1, 1),
    )

    def meanwhile(*aggregates: Any) -> Any:
        monkeypatch.setattr(agency, "save", save)
        agency.execute(other, HR)
        return save(*aggregates)

    monkeypatch.setattr(agency, "save", meanwhile)
    with pytest.raises(ConcurrencyConflict):
        preview(agency, HR, "catalogue", "A", workbook("catalogue", PRODUCTS), apply=True)
    catalogue = agency.find(Catalogue, catalogue_id("A"))
    assert catalogue is not None and set(catalogue.products) == {"KH-NAM"}
