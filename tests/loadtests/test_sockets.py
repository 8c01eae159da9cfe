"""The keep-alive check of the generator's HTTP client works past descriptor 1024 (select()
refuses those, which made every request of a big run open a new connection). Runs gevent in
a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from loadtests.sockets import local_host

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import locust  # patches the process, as in the runner
import json, socket
from loadtests import sockets
sockets.install("http://127.0.0.1:1")
from geventhttpclient.connectionpool import ConnectionPool
pool = ConnectionPool("127.0.0.1", 1, "127.0.0.1", 1)
filler = [socket.socket() for _ in range(1100)]
idle, server = socket.socketpair()
out = {"fd": idle.fileno(), "idle": pool._is_socket_alive(idle)}
server.sendall(b"x")
out["readable"] = pool._is_socket_alive(idle)
idle.recv(1)
server.close()
out["closed_by_server"] = pool._is_socket_alive(idle)
idle.close()
out["closed"] = pool._is_socket_alive(idle)
print(json.dumps(out))
"""


def test_keep_alive_check_past_descriptor_1024() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout.strip().splitlines()[-1])
    assert r["fd"] > 1024
    assert r["idle"] is True  # reused, not reconnected
    assert r["readable"] is False and r["closed_by_server"] is False and r["closed"] is False


def test_local_hosts_need_no_dns() -> None:
    assert local_host("http://127.0.0.1:8000") and local_host("http://localhost")
    assert local_host("http://[::1]:80")
    assert not local_host("https://pamtalk.example.com")
