"""The load tool's resource sampler keeps its own cost low on the machine it measures: memory
(PSS, a walk of each process's page tables) is read every ``memory_every`` samples and held in
between, and the gateway's listening processes (found by reading every socket of every
process) are looked up again only when one of them has gone or after a minute."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

from loadtests import resources

# Listens on the port it is given and waits: a stand-in for the gateway.
LISTENER = """
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("ready", flush=True)
time.sleep(120)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def gateway() -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc, port
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_memory_is_read_every_few_samples_and_held_in_between(gateway, monkeypatch) -> None:
    proc, port = gateway
    reads: list[int] = []
    measure = resources._memory

    def counted(process: psutil.Process) -> int:
        reads.append(process.pid)
        return measure(process)

    monkeypatch.setattr(resources, "_memory", counted)
    sampler = resources.Sampler(port, memory_every=5)
    sampler.discover()
    rows = [sampler.sample() for _ in range(10)]
    assert reads.count(proc.pid) == 2  # samples 1 and 6
    held = [row["groups"]["platform"]["mem_mb"] for row in rows]
    assert all(mb > 1 for mb in held)  # every sample still reports the listener's memory
    assert held[1:5] == [held[0]] * 4


def test_the_listeners_are_looked_up_again_only_when_one_has_gone(gateway, monkeypatch) -> None:
    proc, port = gateway
    lookups: list[set[int]] = []
    find = resources.Sampler._find_listeners

    def counted(self: resources.Sampler) -> set[int]:
        lookups.append(found := find(self))
        return found

    monkeypatch.setattr(resources.Sampler, "_find_listeners", counted)
    sampler = resources.Sampler(port)
    for _ in range(3):
        sampler.discover()
    assert lookups == [{proc.pid}]  # found once, then kept
    assert [category for _, category in sampler._procs.values()].count("platform") == 1

    proc.kill()
    proc.wait(timeout=30)
    sampler.discover()
    assert len(lookups) == 2 and lookups[1] == set()  # it went: looked up again
    assert os.getpid() not in sampler._procs  # the tool does not count itself
