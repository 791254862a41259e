"""Vietnamese first, English on a switch: Babel message catalogues.

The catalogues (``web/locale/<lang>/LC_MESSAGES/messages.po``) are compiled in
memory when the service starts, so a fresh clone needs no build step and the
compiled form can never lag behind its source. ``make i18n`` extracts the
messages from the templates and the code and merges them into the catalogues.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_DIR = Path(__file__).parent / "locale"
LANG_COOKIE = "minhbach_lang"


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of ``locale`` (fuzzy entries are left out)."""
    with catalogue_path(locale).open("rb") as source:
        catalogue = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def chosen_locale(cookie: str | None) -> str:
    return cookie if cookie in LOCALES else DEFAULT_LOCALE


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message
