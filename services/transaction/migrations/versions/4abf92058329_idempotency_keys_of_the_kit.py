"""idempotency keys of the kit: the table takes the shape of ``pamtalk.idempotency``

The transaction service kept its own ``idempotency_keys``; it now uses the kit's, one shape
for every service: ``user_id`` is ``owner_id``, ``transaction_id`` goes (the stored response
carries the trade's id), ``key`` is at most 200 characters (the header never took more, so no
key is lost), ``status_code`` is a smallint. The index on ``created_at`` already has the
kit's name (``ix_idempotency_keys_created_at``).

Existing keys are kept, so that a retry sent across the upgrade still gets its first answer:
the kit hashes "the request as understood" with the name of the operation, so each key's
hash is recomputed. The request is read back from its stored response (a trade opened
answers with every field of the request), trying the location both as sent and as omitted
(the response then holds the farm's region): the one whose old hash is the stored one is
the request. A key whose request cannot be found so keeps its old hash: it stays held (a
retry can open no second trade), and a retry with it gets 422 ``idempotency-key-reused``.
The downgrade does the reverse.

Revision ID: 4abf92058329
Revises: ddaf8f0f2a74
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

from pamtalk.idempotency import request_digest

revision = "4abf92058329"
down_revision = "ddaf8f0f2a74"
branch_labels = None
depends_on = None

SCHEMA = "transaction_svc"
OPERATION = "open-trade"  # services/transaction/opening.py: OPERATION
# The fields of the request to open a trade (services/transaction/schemas.py: TradeIn), as
# they were when this revision was written.
FIELDS = ("farm_id", "crop", "quantity", "unit_price", "quality_score", "delivery_hours", "payment_method")


def _old_hash(body: dict[str, Any]) -> str:
    """The hash the service stored before this revision (services/transaction/idempotency.py)."""

    def canonical(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        return str(value.normalize()) if isinstance(value, Decimal) else value

    fields = {name: canonical(value) for name, value in body.items()}
    return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _new_hash(body: dict[str, Any]) -> str:
    return request_digest(OPERATION, body)


def _requests(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The requests a stored response may have answered: the location sent, or omitted."""
    body = {name: response[name] for name in FIELDS}
    for name in ("quantity", "unit_price"):
        body[name] = Decimal(body[name])
    return [{**body, "location": response["location"]}, {**body, "location": None}]


def _rehash(owner: str, before: Callable[[dict[str, Any]], str], after: Callable[[dict[str, Any]], str]) -> None:
    """Recompute the hash of every key with a stored response (``owner``: its owner column)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            f"SELECT {owner} AS owner, key, request_hash, response FROM {SCHEMA}.idempotency_keys "
            "WHERE response IS NOT NULL"
        )
    ).all()
    update = sa.text(
        f"UPDATE {SCHEMA}.idempotency_keys SET request_hash = :hash WHERE {owner} = :owner AND key = :key"
    )
    for row in rows:
        response = row.response if isinstance(row.response, dict) else orjson.loads(row.response)
        try:
            requests = _requests(response)
        except (KeyError, TypeError, ArithmeticError):
            continue  # not a trade: left as it is
        for request in requests:
            if before(request) == row.request_hash:
                conn.execute(update, {"hash": after(request), "owner": row.owner, "key": row.key})
                break


def _retype(key: tuple[int, int], status_code: tuple[type[sa.Integer], type[sa.Integer]]) -> None:
    """The length of ``key`` and the type of ``status_code``: from the first to the second."""
    op.alter_column(
        "idempotency_keys",
        "key",
        type_=sa.String(length=key[1]),
        existing_type=sa.String(length=key[0]),
        existing_nullable=False,
        schema=SCHEMA,
    )
    op.alter_column(
        "idempotency_keys",
        "status_code",
        type_=status_code[1](),
        existing_type=status_code[0](),
        existing_nullable=True,
        schema=SCHEMA,
    )


def upgrade() -> None:
    # Keys longer than the header allows (200) cannot be sent again.
    op.execute(f"DELETE FROM {SCHEMA}.idempotency_keys WHERE length(key) > 200")
    _rehash("user_id", _old_hash, _new_hash)
    op.alter_column("idempotency_keys", "user_id", new_column_name="owner_id", schema=SCHEMA)
    op.drop_column("idempotency_keys", "transaction_id", schema=SCHEMA)
    _retype((255, 200), (sa.Integer, sa.SmallInteger))


def downgrade() -> None:
    _retype((200, 255), (sa.SmallInteger, sa.Integer))
    op.add_column("idempotency_keys", sa.Column("transaction_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.execute(
        f"UPDATE {SCHEMA}.idempotency_keys SET transaction_id = CAST(response->>'id' AS uuid) "
        "WHERE response ? 'id'"
    )
    op.alter_column("idempotency_keys", "owner_id", new_column_name="user_id", schema=SCHEMA)
    _rehash("user_id", _new_hash, _old_hash)
