"""Operator commands: ``python -m services.user.cli grant ROLE EMAIL`` makes, for example,
the first admin (every later grant can go through the API, by an admin)."""

from __future__ import annotations

import argparse
import asyncio

from pamtalk.db.database import Database
from services.user.settings import UserSettings
from services.user.store import accounts


async def grant(db: Database, email: str, role: str) -> bool:
    """Give the account with ``email`` the ``role``; False if there is no such account."""
    async with db.write() as tx:
        return await accounts.set_role_by_email(tx, email.lower(), role)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grant", help="give an existing account a role")
    g.add_argument("role", choices=["farmer", "consumer", "company", "committee", "admin"])
    g.add_argument("email")
    args = parser.parse_args()
    settings = UserSettings()

    async def run() -> bool:
        db = Database(settings.database_url, settings.db_schema)
        try:
            return await grant(db, args.email, args.role)
        finally:
            await db.close()

    if not asyncio.run(run()):
        print(f"no account with email {args.email}")
        return 1
    print(f"{args.email} is now {args.role}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
