"""The dead-letter CLI (``python -m pamtalk.bus.dlq``): list, replay, discard."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

import pytest

from pamtalk.bus import Bus
from pamtalk.bus.dlq import amain, parser, run, table
from pamtalk.events.envelope import Envelope
from tests.kit.bus_support import MakeBus, envelope, new_bus
from tests.services_available import AMQP_URL
from tests.waiting import eventually, wait_until

__all__ = ["new_bus"]  # fixture

Q = "notification_events"


async def _dead_lettered(new_bus: MakeBus, count: int) -> tuple[Bus, list[Envelope], list[Envelope]]:
    """A started bus whose handler fails until ``fixed`` is set; ``count`` events dead-lettered."""
    bus = await new_bus()
    handled: list[Envelope] = []
    fixed: list[bool] = []

    async def handler(env: Envelope, _headers: Mapping[str, str]) -> None:
        if not fixed:
            raise LookupError(f"no user {env.data['user']}")
        handled.append(env)

    bus.consume(Q, handler)
    await bus.start()
    sent = [envelope("user.registered", user=f"u{i}") for i in range(count)]
    for env in sent:
        await bus.publish(env)

    async def all_dead() -> bool:
        return len(await bus.dead_letters(Q)) == count

    await eventually(all_dead)
    fixed.append(True)
    return bus, sent, handled


async def _cli(bus: Bus, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = await run(parser().parse_args(list(argv)), bus, out)
    return status, out.getvalue()


async def test_list_shows_each_dead_letter_as_json_and_as_a_table(new_bus: MakeBus) -> None:
    bus, sent, _ = await _dead_lettered(new_bus, 2)

    status, text = await _cli(bus, "list", "--json")
    rows = json.loads(text)
    assert status == 0 and len(rows) == 2
    assert {r["event_id"] for r in rows} == {str(e.event_id) for e in sent}
    for r in rows:
        assert r["queue"] == Q and r["type"] == "user.registered" and r["attempts"] == 3
        assert r["error"].startswith("LookupError: no user u") and r["id"]

    status, text = await _cli(bus, "list", "--queue", Q, "--limit", "1")
    lines = text.strip().splitlines()
    assert lines[0].split() == ["QUEUE", "ID", "TYPE", "EVENT_ID", "ATTEMPTS", "ERROR"]
    assert len(lines) == 2 and any(r["id"] in lines[1] for r in rows)
    assert len(await bus.dead_letters(Q)) == 2  # listing moved nothing


async def test_replay_by_id_then_discard_all(new_bus: MakeBus) -> None:
    bus, sent, handled = await _dead_lettered(new_bus, 3)
    rows = json.loads((await _cli(bus, "list", "--json"))[1])
    first = next(r for r in rows if r["event_id"] == str(sent[0].event_id))

    status, text = await _cli(bus, "replay", "--queue", Q, "--id", first["id"], "--json")
    assert status == 0 and json.loads(text) == {"replay": 1, "queue": Q}
    await wait_until(lambda: handled)
    assert [e.event_id for e in handled] == [sent[0].event_id]

    status, text = await _cli(bus, "replay", "--queue", Q, "--id", "no-such-id")
    assert status == 1 and "replayed 0" in text

    status, text = await _cli(bus, "discard", "--queue", Q, "--all")
    assert status == 0 and text.strip() == f"discarded 2 dead letter(s) of {Q}"
    assert await bus.dead_letters(Q) == []
    assert len(handled) == 1


def test_commands_need_a_queue_and_ids_or_all() -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["replay", "--queue", Q])
    with pytest.raises(SystemExit):
        parser().parse_args(["discard", "--all"])
    with pytest.raises(SystemExit):
        parser().parse_args(["list", "--queue", "no_such_queue"])
    assert table([]) == "no dead letters"


@pytest.mark.integration
@pytest.mark.parametrize("new_bus", ["amqp"], indirect=True)
async def test_the_command_line_entry_point_against_rabbitmq(new_bus: MakeBus) -> None:
    bus, sent, _ = await _dead_lettered(new_bus, 1)
    out = io.StringIO()
    argv = ["list", "--json", "--url", AMQP_URL, "--prefix", new_bus.prefix]  # type: ignore[attr-defined]
    assert await amain(argv, out) == 0
    assert [r["event_id"] for r in json.loads(out.getvalue())] == [str(sent[0].event_id)]
    argv = ["discard", "--queue", Q, "--all", "--url", AMQP_URL, "--prefix", new_bus.prefix]  # type: ignore[attr-defined]
    assert await amain(argv, io.StringIO()) == 0
    assert await bus.dead_letters(Q) == []


async def test_the_entry_point_reports_an_unreachable_broker(capsys: pytest.CaptureFixture[str]) -> None:
    assert await amain(["list", "--url", "amqp://guest:guest@127.0.0.1:1/"]) == 2
    assert "cannot reach the broker" in capsys.readouterr().err
