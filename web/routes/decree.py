"""Decree 335/2025/NĐ-CP itself, article by article, so that every "Art. N" a page
cites links to the decree's own words (``/decree#dieu-N``). The text is the
published Vietnamese one, kept beside the code (``web/decree/``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from web.deps import SignedInDep
from web.templating import render

router = APIRouter()
TEXT = Path(__file__).resolve().parents[1] / "decree" / "nd-335-2025.txt"
HEADING = re.compile(r"^(Điều (\d+)\.|Chương [IVX]+\s*$|Mục \d+\.|PHỤ LỤC [IVX]+)")


@dataclass(frozen=True)
class Part:
    anchor: str | None  # "dieu-20" for an article
    heading: str
    lines: tuple[str, ...]


@cache
def parts() -> tuple[Part, ...]:
    """The decree split at its chapters, sections, articles and appendices."""
    found: list[Part] = []
    heading, anchor, lines = "", None, []
    for line in TEXT.read_text(encoding="utf-8-sig").splitlines():
        match = HEADING.match(line.strip())
        if match is None:
            if line.strip():
                lines.append(line.strip())
            continue
        found.append(Part(anchor, heading, tuple(lines)))
        heading, lines = line.strip(), []
        anchor = f"dieu-{match.group(2)}" if match.group(2) else None
    found.append(Part(anchor, heading, tuple(lines)))
    return tuple(found)


@router.get("/decree", response_class=HTMLResponse)
def decree_page(request: Request, who: SignedInDep) -> HTMLResponse:
    return render(request, who, "decree.html", parts=parts())
