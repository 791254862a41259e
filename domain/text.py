"""What a string may contain when it enters the domain.

Two kinds of string reach the store: **codes** (identifiers: agencies, units,
servants, tasks, decision numbers, principals…) and **free text** (titles,
names, reasons, notes). Both are checked before any event exists, because a
string the store cannot hold — PostgreSQL's text columns refuse NUL — would
make the views fail on every rebuild, and an event can never be removed.

- Free text is normalised to NFC; control characters (other than tab and line
  feed; CR LF becomes LF), bidirectional controls and unpaired surrogates are
  refused.
- A code is NFC, trimmed of spaces, 1 to 64 characters, each a Latin letter
  (Vietnamese letters included), an ASCII digit, a space, or one of ``- _ . /``.
  Anything else — control, zero-width or bidirectional characters, look-alike
  letters of other scripts, full-width forms — is refused, so that two codes
  that look the same are the same code.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, StringConstraints, WithJsonSchema

CODE_MAX = 64
CODE_PUNCTUATION = frozenset("-_./ ")
CODE_CHARSET = "Latin letters (Vietnamese included), digits 0-9, spaces and - _ . /"
# Explicit embedding, override and isolate controls, and the implicit marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
TEXT_CONTROLS_ALLOWED = frozenset("\t\n")


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def clean_text(value: str) -> str:
    """Free text as stored: NFC, LF line ends; raise ValueError on what it may not hold."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in TEXT_CONTROLS_ALLOWED:
            raise ValueError(f"control character {_describe(ch)} is not allowed")
        if category == "Cs":
            raise ValueError(f"unpaired surrogate {_describe(ch)} is not allowed")
        if ch in BIDI_CONTROLS:
            raise ValueError(f"bidirectional control {_describe(ch)} is not allowed")
    return unicodedata.normalize("NFC", value)


def _code_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in CODE_PUNCTUATION
    return unicodedata.category(ch).startswith("L") and unicodedata.name(ch, "").startswith(
        "LATIN "
    )


def clean_code(value: str) -> str:
    """A code as stored (NFC, trimmed); raise ValueError outside the character set."""
    code = unicodedata.normalize("NFC", value).strip(" ")
    for ch in code:
        if not _code_char(ch):
            raise ValueError(f"character {_describe(ch)} is not allowed in a code ({CODE_CHARSET})")
    if not code:
        raise ValueError("a code must not be blank")
    if len(code) > CODE_MAX:
        raise ValueError(f"a code has at most {CODE_MAX} characters")
    return code


def clean_free_text(value: str) -> str:
    """Free text as a field holds it: clean, then trimmed."""
    return clean_text(value).strip()


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must not be blank")
    return value


# The markers of the two kinds; a test finds every field of every command by them.
CODE_RULE = AfterValidator(clean_code)
TEXT_RULE = AfterValidator(clean_free_text)
_CODE_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": CODE_MAX,
        "description": f"A code: {CODE_CHARSET}; trimmed",
    }
)

Code = Annotated[str, CODE_RULE, _CODE_SCHEMA]
Text = Annotated[str, StringConstraints(max_length=2000), TEXT_RULE]
# Required free text: a reason, a title, a name — not blank once trimmed.
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=2000), TEXT_RULE, AfterValidator(_not_blank)
]


def clean_strings(value: Any) -> Any:
    """Every string inside ``value`` (containers and nested models too) as free text.

    Applied to every field of every command by ``CheckedStrings``, so a field
    typed plainly ``str`` is protected as well as one typed ``Code`` or ``Text``.
    """
    if isinstance(value, Enum):  # a fixed value, never input text
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(clean_strings(v) for v in value)
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        fields = {name: getattr(value, name) for name in type(value).model_fields}
        cleaned = {name: clean_strings(v) for name, v in fields.items()}
        changed = {name: v for name, v in cleaned.items() if v is not fields[name]}
        return value.model_copy(update=changed) if changed else value
    return value


def clean_key(value: str) -> str:
    """An idempotency key: printable characters only (a space included), at most 300."""
    if not value.strip():
        raise ValueError("an idempotency key must not be blank")
    for ch in value:
        if not (ch.isprintable() or ch == " "):
            raise ValueError(f"character {_describe(ch)} is not allowed in an idempotency key")
    if len(value) > 300:
        raise ValueError("an idempotency key has at most 300 characters")
    return value
