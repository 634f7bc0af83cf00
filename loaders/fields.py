"""The cell types of the dataset format: what one CSV cell may hold (docs/data-format.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from graph.model import UNATTRIBUTED_COUNTRY


def split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def check_date(value: str | None) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD, and keep it as written (ISO strings sort)."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        date.fromisoformat(value + "-01")
        return value
    date.fromisoformat(value)
    return value


def earliest(value: str) -> str:
    """The first day a partial date can mean: ``2025-06`` is from 2025-06-01."""
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def latest(value: str) -> str:
    """The last day a partial date can mean (days past month end still sort right)."""
    return (value + "-12-31")[:10] if len(value) == 4 else (value + "-31")[:10]


RESERVED_COUNTRIES = frozenset({UNATTRIBUTED_COUNTRY, "EU"})
"""Codes outside ISO 3166-1's assigned list that the dataset uses: ZZ (other, unattributed)
and EU, which ISO 3166 exceptionally reserves for the European Union (a party to trade
policy, never a producing country)."""


def _country(value: str) -> str:
    if value not in RESERVED_COUNTRIES and pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(
            f"'{value}' is not an ISO 3166 alpha-2 country code "
            f"(use {UNATTRIBUTED_COUNTRY} for other / unattributed)"
        )
    return value


def _strict_bool(value: Any) -> Any:
    """Only ``true`` or ``false`` (any case, as spreadsheets write TRUE): pydantic would also
    take yes, on, 1 and their opposites."""
    if isinstance(value, str):
        if value.lower() not in ("true", "false"):
            raise PydanticCustomError(
                "bool_parsing", "Input should be a valid boolean, unable to interpret input"
            )
        return value.lower() == "true"
    return value


Id = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_country)]
IdList = Annotated[list[Id], BeforeValidator(split_list)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Bool = Annotated[bool, BeforeValidator(_strict_bool)]
