"""Request bodies that take what the client sent, not what it might have meant.

FastAPI validates a body after parsing its JSON, in pydantic's Python mode, where lax
validation turns ``true`` into ``1.0``, ``"yes"`` into ``True`` and the string ``"1e3"``
into ``Decimal(1000)``: a farm of ``size_ha: true`` was stored as 1 ha, ESG data of
``organic_certified: "yes"`` was scored and written to the ledger. Every request body of
the platform derives from ``RequestBody``: strict (a JSON number for a number, ``true`` /
``false`` for a flag, no unknown fields), with the types below for what JSON can only carry
as a string or must carry as a number:

- ``JsonDecimal``: an exact amount: a JSON number (integer or decimal), or a string in plain
  decimal notation (``"120.5"``: digits, at most one point; no sign, exponent, spaces or
  ``NaN``), never a flag. A number keeps the decimal value it was written with (``0.1`` is
  ``Decimal("0.1")``, not the binary float's expansion): JSON numbers reach the model as
  floats, and a float's shortest representation gives back any number of up to 15
  significant digits as written. Amounts need fewer (a quantity of at most 10, a price of at
  most 11); a client that needs more, or does not trust its JSON library with decimals,
  sends the string;
- ``JsonDate``, ``JsonDateTime``, ``JsonUUID``: an ISO 8601 / UUID string.

A ``float`` field takes integers too (``12`` hectares), as JSON has one number type; an
``int`` field takes only integers (``48``, not ``48.0`` or ``"48"``).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Strict


class RequestBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


_PLAIN_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def _number(value: Any) -> Any:
    if isinstance(value, str):
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise ValueError('must be a JSON number or a decimal string such as "120.5"')
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError('must be a JSON number or a decimal string such as "120.5"')
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def _string(value: Any) -> Any:
    if not isinstance(value, str | date | uuid.UUID):  # objects: a default, or a test's direct use
        raise ValueError("must be a string")
    return value


JsonDecimal = Annotated[Decimal, BeforeValidator(_number)]
JsonDate = Annotated[date, BeforeValidator(_string), Strict(False)]
JsonDateTime = Annotated[datetime, BeforeValidator(_string), Strict(False)]
JsonUUID = Annotated[uuid.UUID, BeforeValidator(_string), Strict(False)]
