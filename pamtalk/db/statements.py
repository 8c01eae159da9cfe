"""SQL as the services write it: one style, ``:name`` parameters, compiled once.

A store module declares its statements at import time::

    BY_ID = sql("SELECT id, name FROM farms WHERE id = :id")

and runs them on a transaction or a read (``pamtalk.db.tx``) with the values by name::

    row = await tx.fetchrow(BY_ID, id=farm_id)

``sql`` turns ``:name`` into asyncpg's ``$1, $2, ...`` (each name once, however often it is
used); ``::type`` casts and ``\\:`` stay as they are. asyncpg prepares each statement text once
per connection, so a statement built once is parsed and planned once per connection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A ``:name`` not preceded by ``:``, a word character or a backslash: ``:v::int`` binds ``v``
# and leaves the cast, ``'12:30'`` is left alone.
_PARAM = re.compile(r"(?<![:\w\\]):(\w+)")


@dataclass(frozen=True)
class Sql:
    """A statement compiled to asyncpg's positional form."""

    text: str
    names: tuple[str, ...]  # the name of $1, $2, ... in order

    def args(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple([values[name] for name in self.names])
        except KeyError as exc:
            raise TypeError(f"no value for :{exc.args[0]} in {self.text[:80]!r}") from None

    def __str__(self) -> str:
        return self.text


def sql(statement: str) -> Sql:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _PARAM.sub(number, statement).replace("\\:", ":")
    return Sql(text, tuple(names))
