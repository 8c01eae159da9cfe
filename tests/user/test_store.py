"""``store/accounts.py`` against the migrated schema: every statement prepares (its columns
exist), an account reads as the columns the API shows, ``updated_at`` follows each change
(no table default or ORM does it any more), and the profile update is one statement per set
of columns, taking only profile columns."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from pamtalk.db.database import Database
from pamtalk.db.statements import Sql, sql
from pamtalk.errors import Problem
from services.user import accounts as rules
from services.user.cli import grant
from services.user.models import User
from services.user.passwords import Passwords
from services.user.schemas import SignupIn, UserOut
from services.user.store import accounts
from tests.conftest import migrate

pytestmark = pytest.mark.integration
UPDATED_AT = sql("SELECT updated_at FROM users WHERE id = :id")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    await migrate("user", database_url)
    database = Database(database_url, "user_svc", producer="user")
    try:
        yield database
    finally:
        await database.close()


async def test_every_statement_prepares_on_the_migrated_table(db: Database) -> None:
    fixed = [value for value in vars(accounts).values() if isinstance(value, Sql)]
    shapes = [
        accounts._update_profile(frozenset(columns))
        for n in range(1, len(accounts.PROFILE) + 1)
        for columns in itertools.combinations(sorted(accounts.PROFILE), n)
    ]
    assert len(fixed) >= 9 and len(shapes) == 7
    async with db.read() as read:
        for stmt in fixed + shapes:
            await read.conn.prepare(stmt.text)  # fails on a column the table lacks


async def test_an_account_reads_as_the_columns_of_the_table_the_api_shows(db: Database) -> None:
    columns = [name.strip() for name in accounts.ACCOUNT.split(",")]
    assert set(columns) <= set(User.__table__.columns.keys())
    assert "password_hash" not in columns  # the credential is read only where it is checked
    assert set(UserOut.model_fields) == set(columns)
    assert accounts.PROFILE <= set(columns)


async def test_a_profile_update_takes_only_profile_columns(db: Database) -> None:
    assert accounts._update_profile(frozenset({"phone", "language"})) is accounts._update_profile(
        frozenset({"language", "phone"})
    )  # one statement per set of columns, built once
    with pytest.raises(ValueError, match="role"):
        async with db.write() as tx:
            await accounts.update_profile(tx, uuid.uuid4(), {"display_name": "Kim", "role": "admin"})


async def _updated_at(db: Database, user_id: uuid.UUID) -> datetime:
    async with db.read() as read:
        value: datetime = await read.fetchval(UPDATED_AT, id=user_id)
    return value


async def test_updated_at_follows_every_change(db: Database) -> None:
    passwords = Passwords(1, 8)
    body = SignupIn(
        email=f"store-{uuid.uuid4().hex[:8]}@example.com",
        password="correct horse battery",
        display_name="Kim",
        role="farmer",
    )
    async with db.write() as tx:
        user = await rules.sign_up(tx, body, passwords)
    assert user.created_at is not None and user.language == "ko"
    stamps = [await _updated_at(db, user.id)]
    for change in ("profile", "password", "wallet", "role", "role by email"):
        async with db.write() as tx:
            if change == "profile":
                assert (await accounts.update_profile(tx, user.id, {"display_name": "Lee"})) is not None
            elif change == "password":
                await accounts.set_password(tx, user.id, await passwords.hash("another password"))
            elif change == "wallet":
                assert await accounts.set_wallet(tx, user.id, "0x" + uuid.uuid4().hex + "0" * 8)
            elif change == "role":
                assert await accounts.set_role(tx, user.id, "company")
        if change == "role by email":
            assert await grant(db, body.email.upper(), "committee")
        stamps.append(await _updated_at(db, user.id))
    assert stamps == sorted(set(stamps)), stamps  # each change moved it on
    async with db.read() as read:
        found = await rules.find_by_email(read, body.email.upper())
    assert found is not None and found.user.role == "committee" and found.user.display_name == "Lee"
    assert await passwords.verify(found.password_hash, "another password")
    assert not await grant(db, "nobody-" + body.email, "admin")


async def test_a_sign_up_racing_another_for_one_email_is_409(db: Database) -> None:
    passwords = Passwords(1, 8)
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    body = SignupIn(email=email, password="correct horse battery", display_name="Kim", role="consumer")
    async with db.write() as first:
        await rules.sign_up(first, body, passwords)

        async def second() -> UserOut:
            async with db.write() as tx:  # its check runs before the first commits
                return await rules.sign_up(tx, body, passwords)

        racing = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert not racing.done()  # its insert waits for the first's
    with pytest.raises(Problem) as caught:
        await asyncio.wait_for(racing, 5)
    assert (caught.value.status, caught.value.type) == (409, "email-taken")
