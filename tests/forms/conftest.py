"""The loaded demo, once per session (loading it takes seconds)."""

from __future__ import annotations

import pytest

from tests.forms.demo_world import DemoFile, build


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> DemoFile:
    return build(tmp_path_factory.mktemp("demo"))
