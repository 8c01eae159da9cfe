"""FastAPI dependencies every service uses: the runtime, and a database session whose
transaction commits when the endpoint returns and *before* the response is sent (so a
failed commit is an error response, never a success that did not happen). ``PlainWrite`` is
the same for plain SQL on a pooled driver connection (``pamtalk.db.outbox.plain_transaction``):
a fraction of a session's CPU on hot write paths, with the same rollback and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.deps import current_user, optional_user, require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.db.database import Database
from pamtalk.db.outbox import PlainTx, plain_transaction
from pamtalk.db.tx import Tx
from pamtalk.runtime import Runtime, service_state

S = TypeVar("S")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


# Dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in its threadpool,
# a thread hand-off on every request for what is an attribute lookup.
async def runtime_dependency(request: Request) -> Runtime:
    return get_runtime(request)


async def get_redis(request: Request) -> Redis:
    return get_runtime(request).redis


async def database(request: Request) -> Database:
    return get_runtime(request).db


async def write_transaction(request: Request) -> AsyncIterator[Tx]:
    """The endpoint's transaction: committed when the endpoint returns, before the response
    is sent (a failed commit is an error response, never a success that did not happen)."""
    async with get_runtime(request).db.write() as tx:
        yield tx


def state_dependency(cls: type[S]) -> Callable[[Request], Awaitable[S]]:
    """A dependency giving the service's state as ``cls`` (``async``: no threadpool hop)."""

    async def state(request: Request) -> S:
        return service_state(get_runtime(request), cls)

    return state


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).db.transaction() as session:
        yield session


async def read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).db.reads() as session:
        yield session


async def plain_write(request: Request) -> AsyncIterator[PlainTx]:
    async with plain_transaction(get_runtime(request).db) as tx:
        yield tx


# The one way an endpoint reaches its database: ``Write`` (its transaction) or ``Db``
# (``async with db.read("replica") as read``, for reads that need no transaction).
Write = Annotated[Tx, Depends(write_transaction, scope="function")]
Db = Annotated[Database, Depends(database)]
# LEGACY, until every service is on Write / Db:
DbSession = Annotated[AsyncSession, Depends(db_session, scope="function")]
PlainWrite = Annotated[PlainTx, Depends(plain_write, scope="function")]
# For endpoints that only read: no transaction, fewer round trips.
ReadSession = Annotated[AsyncSession, Depends(read_session, scope="function")]
RuntimeDep = Annotated[Runtime, Depends(runtime_dependency)]
RedisDep = Annotated[Redis, Depends(get_redis)]
CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]
AdminUser = Annotated[Principal, Depends(require_roles("admin"))]
