"""Effects that are rows (``pamtalk.db.folded``), on the real PostgreSQL: a batch whose effects
are all rows is applied by one statement - its claims and its rows commit together, in delivery
order, once; a redelivery writes nothing; a row that cannot be written leaves nothing claimed;
an event with an effect of its own makes the batch one transaction with its rows after it; what
runs after the commit sees every row written, once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import nullcontext
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from pamtalk.bus.base import Delivery
from pamtalk.db.database import Database
from pamtalk.db.folded import Fold, Row
from pamtalk.db.inbox import Effects, OnceHandler, handle_once, inbox_table
from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import UserRegistered, UserUpdated
from pamtalk.events.envelope import Envelope
from tests.kit.db_support import STORE_EFFECT, effects_table, scratch_schema

pytestmark = pytest.mark.integration

# Rows keyed by their email: a second row of one email cannot be written (the poison).
STORE_ROWS = """
written AS (
    INSERT INTO notes (email, n)
    SELECT r.email, r.n FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(event_id uuid, n int, email text)
    WHERE r.event_id IN (SELECT event_id FROM claimed)
    ORDER BY r.n
    RETURNING id, email
)"""
NOTES = sql("SELECT email FROM notes ORDER BY id")
# The transaction that wrote each row: claims, notes and effects of one commit share it.
WRITERS = sql(
    "SELECT DISTINCT xmin::text FROM inbox UNION SELECT DISTINCT xmin::text FROM notes "
    "UNION SELECT DISTINCT xmin::text FROM effects"
)
CLAIMED = sql("SELECT count(*) FROM inbox")
EFFECTS = sql("SELECT email FROM effects ORDER BY id")


def notes_table(metadata: MetaData) -> Table:
    return Table(
        "notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("email", String, unique=True),
        Column("n", Integer),
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with scratch_schema(database_url, inbox_table, effects_table, notes_table) as database:
        yield database


class Folding:
    """A consumer whose ``user.registered`` writes a note per email (rows), and whose
    ``user.updated`` has an effect of its own (the ``effects`` table) besides its note."""

    def __init__(self, db: Database) -> None:
        self.announced: list[list[str]] = []
        self.effects: list[str] = []
        effects = (
            Effects(Fold(STORE_ROWS), after=self.after)
            .rows(UserRegistered, self.note)
            .rows(UserUpdated, self.note)
        )
        self.handler: OnceHandler = handle_once(db, "test", effects.on(UserUpdated, self.effect))

    @staticmethod
    def note(event: UserRegistered | UserUpdated, envelope: Envelope) -> list[Row]:
        return [{"email": email} for email in event.display_name.split()]

    async def effect(self, tx: Tx, event: UserUpdated, envelope: Envelope) -> None:
        await tx.execute(STORE_EFFECT, email=event.display_name)
        self.effects.append(event.display_name)

    async def after(self, written: Sequence[tuple[Any, ...]]) -> None:
        self.announced.append([email for _, email in written])


def registered(*emails: str) -> Envelope:
    event = UserRegistered(
        user_id=uuid.uuid4(), email="x@fold.kr", display_name=" ".join(emails), role="farmer"
    )
    return Envelope.wrap(event, "user")


def updated(*emails: str) -> Envelope:
    return Envelope.wrap(UserUpdated(user_id=uuid.uuid4(), display_name=" ".join(emails)), "user")


def batch(*envelopes: Envelope) -> list[Delivery]:
    return [Delivery(envelope, {}, nullcontext) for envelope in envelopes]


async def rows(db: Database, stmt: Any) -> list[Any]:
    async with db.read() as read:
        return [row[0] for row in await read.fetch(stmt)]


async def test_a_batch_of_rows_is_one_commit_in_delivery_order_once(db: Database) -> None:
    folding = Folding(db)
    events = [registered("a", "b"), registered("c"), registered("d", "e")]
    await folding.handler.apply_batch(batch(*events))
    assert await rows(db, NOTES) == ["a", "b", "c", "d", "e"]
    assert len(await rows(db, WRITERS)) == 1  # the claims and the notes: one transaction
    assert await rows(db, CLAIMED) == [3]
    assert folding.announced == [["a", "b", "c", "d", "e"]]  # once, after the commit

    await folding.handler.apply_batch(batch(*events))  # redelivered: nothing
    await folding.handler(events[1], {})
    assert await rows(db, NOTES) == ["a", "b", "c", "d", "e"]
    assert folding.announced == [["a", "b", "c", "d", "e"]]


async def test_an_event_twice_in_a_batch_writes_its_rows_once(db: Database) -> None:
    folding = Folding(db)
    twice = registered("a")
    await folding.handler.apply_batch(batch(twice, registered("b"), twice))
    assert await rows(db, NOTES) == ["a", "b"]


async def test_a_row_that_cannot_be_written_leaves_nothing_claimed(db: Database) -> None:
    folding = Folding(db)
    good, poison = registered("a"), registered("b", "b")  # one email twice: unique violation
    with pytest.raises(Exception, match="duplicate key"):
        await folding.handler.apply_batch(batch(good, poison))
    assert await rows(db, NOTES) == [] and await rows(db, CLAIMED) == [0]
    await folding.handler(good, {})  # the bus then applies them one at a time
    with pytest.raises(Exception, match="duplicate key"):
        await folding.handler(poison, {})
    assert await rows(db, NOTES) == ["a"] and await rows(db, CLAIMED) == [1]
    assert folding.announced == [["a"]]


async def test_an_effect_of_its_own_makes_the_batch_one_transaction_rows_last(db: Database) -> None:
    folding = Folding(db)
    await folding.handler.apply_batch(batch(registered("a"), updated("b"), registered("c")))
    assert await rows(db, NOTES) == ["a", "b", "c"]  # the rows in delivery order
    assert folding.effects == ["b"]
    assert len(await rows(db, WRITERS)) == 1  # claims, effect and rows committed together
    assert folding.announced == [["a", "b", "c"]]

    with pytest.raises(Exception, match="duplicate key"):  # a new event noting "b" again
        await folding.handler.apply_batch(batch(updated("b"), registered("d")))
    assert await rows(db, EFFECTS) == ["b"]  # rolled back whole, its effect too
    assert await rows(db, NOTES) == ["a", "b", "c"] and await rows(db, CLAIMED) == [3]
    assert folding.announced == [["a", "b", "c"]]


async def test_a_fold_is_needed_for_rows() -> None:
    with pytest.raises(TypeError, match="Fold"):
        Effects().rows(UserRegistered, Folding.note)
