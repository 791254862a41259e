"""The shipped font has every character the forms print: the decree's words and the
whole Vietnamese alphabet, in each style."""

from __future__ import annotations

import unicodedata

import pytest
from fontTools.ttLib import TTFont

from forms import wording
from forms.pdf import FONTS

VOWELS = "aăâeêioôơuưy"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
ALPHABET = "".join(unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ("", *TONES))


def printed() -> str:
    texts = [
        wording.MOTTO_COUNTRY,
        wording.MOTTO,
        wording.FORM_01_TITLE,
        wording.FORM_02_TITLE,
        wording.SUMMARY_TITLE,
        wording.APPENDIX,
        *wording.LEVELS.values(),
        *wording.CRITERIA_GROUPS.values(),
        *wording.CRITERIA.values(),
        *wording.REASONS.values(),
        ALPHABET,
        ALPHABET.upper(),
        "đĐ…—–×",  # the original font has no arrows or ≤ ≥: the forms print none
    ]
    return "".join(sorted(set("".join(texts)) - {"\n"}))


@pytest.mark.parametrize("style", ["Regular", "Bold", "Italic"])
def test_every_printed_character_is_in_the_font(style: str) -> None:
    cmap = TTFont(FONTS / f"NotoSerif-{style}.ttf").getBestCmap()
    missing = [ch for ch in printed() if ord(ch) not in cmap]
    assert not missing, missing
    assert len(printed()) > 120
