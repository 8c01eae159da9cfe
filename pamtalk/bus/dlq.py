"""Inspect and repair dead-letter queues: ``python -m pamtalk.bus.dlq`` (``make dlq``).

    python -m pamtalk.bus.dlq list [--queue Q] [--limit N] [--json]
    python -m pamtalk.bus.dlq replay --queue Q (--id ID [ID ...] | --all)
    python -m pamtalk.bus.dlq discard --queue Q (--id ID [ID ...] | --all)

The broker and the queue prefix are the services' own settings (``PAMTALK_AMQP_URL``,
``PAMTALK_AMQP_PREFIX``) unless ``--url`` / ``--prefix`` say otherwise. ``list`` leaves the
messages where they are.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from pamtalk.bus.base import Bus, BusUnavailable, DeadLetter
from pamtalk.bus.topology import QUEUES
from pamtalk.settings import settings_for

COLUMNS = ("queue", "id", "type", "event_id", "attempts", "error")


def parser() -> argparse.ArgumentParser:
    settings = settings_for()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=settings.amqp_url)
    common.add_argument(
        "--prefix", default=settings.amqp_prefix, help="queue/exchange prefix (isolated environments)"
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    top = argparse.ArgumentParser(prog="python -m pamtalk.bus.dlq", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", parents=[common], help="show dead letters (they stay)")
    listing.add_argument("--queue", choices=sorted(QUEUES), help="one queue (default: all)")
    listing.add_argument("--limit", type=int, default=100, help="at most N per queue")
    for name, text in (("replay", "send back to their queue"), ("discard", "delete for good")):
        command = commands.add_parser(name, parents=[common], help=text)
        command.add_argument("--queue", choices=sorted(QUEUES), required=True)
        which = command.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", nargs="+", dest="ids", metavar="ID", help="AMQP message ids")
        which.add_argument("--all", action="store_true")
    return top


def row(letter: DeadLetter) -> dict[str, str | int]:
    return {
        "queue": letter.queue,
        "id": letter.message_id,
        "type": letter.envelope.type,
        "event_id": str(letter.envelope.event_id),
        "attempts": letter.attempts,
        "error": letter.error,
    }


def table(rows: Sequence[dict[str, str | int]], error_width: int = 80) -> str:
    """A plain-text table with one line per dead letter (errors cut to ``error_width``)."""
    if not rows:
        return "no dead letters"
    cells = [[str(r[c]).replace("\n", " ") for c in COLUMNS] for r in rows]
    for line in cells:
        if len(line[-1]) > error_width:
            line[-1] = line[-1][: error_width - 3] + "..."
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(COLUMNS)]
    render = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()
    return "\n".join([header, *render])


async def run(args: argparse.Namespace, bus: Bus, out: TextIO) -> int:
    """Carry out a parsed command on a started bus; returns the exit status."""
    if args.command == "list":
        rows = []
        for queue in [args.queue] if args.queue else sorted(QUEUES):
            rows += [row(letter) for letter in await bus.dead_letters(queue, args.limit)]
        print(json.dumps(rows, indent=2) if args.json else table(rows), file=out)
        return 0
    ids = None if args.all else list(args.ids)
    if args.command == "replay":
        count = await bus.replay_dead_letters(args.queue, ids)
    else:
        count = await bus.discard_dead_letters(args.queue, ids)
    if args.json:
        print(json.dumps({args.command: count, "queue": args.queue}), file=out)
    else:
        verb = "replayed" if args.command == "replay" else "discarded"
        print(f"{verb} {count} dead letter(s) of {args.queue}", file=out)
    return 0 if ids is None or count == len(set(ids)) else 1


async def amain(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    from pamtalk.bus.amqp import AmqpBus

    args = parser().parse_args(argv)
    bus = AmqpBus(args.url, queue_prefix=args.prefix, service="dlq-cli")
    try:
        await bus.start()
        return await run(args, bus, out)
    except BusUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        await bus.close()


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(amain(argv))


if __name__ == "__main__":
    sys.exit(main())
