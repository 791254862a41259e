"""A service that stops gives its database connections back (on PostgreSQL a
connection is a server process: a run of services would exhaust the server)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.http import create_app
from domain.application import MinhBach


def test_a_stopped_service_holds_no_connection_of_its_views(app: MinhBach) -> None:
    service = create_app(app, follow=False)
    with TestClient(service) as client:
        assert client.get("/health").status_code in (200, 503)
        pool = service.state.services.views.engine.pool
        assert pool.checkedin() + pool.checkedout() >= 1  # the views did connect
    assert service.state.services.views.engine.pool.checkedin() == 0
