"""What every command shares: strict input, every string checked, and the
value shapes (periods, years, amounts, days, scores) the commands use."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from domain.text import CODE_RULE, Code, clean_strings

# A month or a quarter of a year in the same range as ``Year``.
PERIOD_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2]|Q[1-4])$"


def _period(value: str) -> str:
    if not re.fullmatch(PERIOD_PATTERN, value):
        raise ValueError("a period is YYYY-MM or YYYY-Qn")
    return value


PeriodCode = Annotated[
    str,
    CODE_RULE,
    AfterValidator(_period),
    WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN}),
]
Year = Annotated[int, Field(ge=2000, le=2100)]
# Bounded so that no input can overflow the arithmetic or the storage.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2100, 12, 31))]
Scores = Annotated[dict[Code, Amount], Field(max_length=20)]


class CheckedStrings(BaseModel):
    """Immutable, strict about unknown fields, and every string of every field
    checked as free text (``domain.text``) — whatever the field's declared type,
    so a field added later is covered without anyone remembering to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _clean_strings(cls, value: Any) -> Any:
        return clean_strings(value)


class Command(CheckedStrings):
    """Base of every command."""

    name: ClassVar[str]
