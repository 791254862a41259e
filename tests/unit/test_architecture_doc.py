"""docs/architecture.md lists every module of the packages, so a reader's map of
the house stays true as rooms are added."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "api", "web", "forms", "demo")


def listed() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- layout:begin.*?```\n(.*?)```", text, flags=re.S)
    assert found, "docs/architecture.md has no layout block"
    modules, package = set(), ""
    for line in found.group(1).splitlines():
        if line.endswith("/") and not line.startswith(" "):
            package = line[:-1]
        elif line.startswith("  ") and line.strip():
            modules.add(f"{package}/{line.split()[0]}")
    return modules


def test_the_layout_lists_every_module_and_no_other() -> None:
    present = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }
    assert listed() == present
