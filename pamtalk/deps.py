"""FastAPI dependencies every service uses: its runtime and state, Redis, the caller, and the
one way an endpoint reaches its database:

- ``Write``: the endpoint's transaction (``Database.write``), committed when the endpoint
  returns and *before* the response is sent, so a failed commit is an error response, never
  a success that did not happen; rolled back if the endpoint raises.
- ``Db``: the service's ``Database``, for reads that need no transaction
  (``async with db.read("replica") as read``).

Dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in its threadpool,
a thread hand-off on every request for what is an attribute lookup."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from redis.asyncio import Redis

from pamtalk.auth.deps import current_user, optional_user, require_roles
from pamtalk.auth.jwks import Principal
from pamtalk.db.database import Database
from pamtalk.db.tx import Tx
from pamtalk.runtime import Runtime, service_state

S = TypeVar("S")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def runtime_dependency(request: Request) -> Runtime:
    return get_runtime(request)


async def get_redis(request: Request) -> Redis:
    return get_runtime(request).redis


async def database(request: Request) -> Database:
    return get_runtime(request).db


async def write_transaction(request: Request) -> AsyncIterator[Tx]:
    async with get_runtime(request).db.write() as tx:
        yield tx


def state_dependency(cls: type[S]) -> Callable[[Request], Awaitable[S]]:
    """A dependency giving the service's state as ``cls``."""

    async def state(request: Request) -> S:
        return service_state(get_runtime(request), cls)

    return state


Write = Annotated[Tx, Depends(write_transaction, scope="function")]
Db = Annotated[Database, Depends(database)]
RuntimeDep = Annotated[Runtime, Depends(runtime_dependency)]
RedisDep = Annotated[Redis, Depends(get_redis)]
CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]
AdminUser = Annotated[Principal, Depends(require_roles("admin"))]
