"""The server's own answer to a request it cannot parse (a NUL or another control character
in a header: the app never sees it) is a 400 problem document, not uvicorn's ``text/plain``
(issue 16, finding 11): with either of uvicorn's HTTP parsers, in the embedded platform
(``make run``), and in every command that starts a service (``make up``, the images)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from pamtalk.server import HTTP_PROTOCOL, ProblemH11Protocol, ProblemHttpProtocol
from tests.embedded_process import embedded_platform
from tests.live_server import free_port
from tests.raw_http import FORBIDDEN_IN_HEADERS, RawAnswer, assert_unreadable, idempotent_post, send_raw

ROOT = Path(__file__).resolve().parents[2]
MALFORMED_LINE = b"GET /api/v1/farms HTTP/1.1 extra\r\nHost: x\r\nConnection: close\r\n\r\n"


def assert_problem(answer: RawAnswer) -> None:
    problem = assert_unreadable(answer)
    assert problem["request_id"] == answer.headers["x-request-id"]
    assert answer.headers["connection"] == "close"
    assert int(answer.headers["content-length"]) == len(answer.body)


async def _app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    raise AssertionError("an unreadable request reached the app")


@contextmanager
def serving(protocol: type[asyncio.Protocol]) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(_app, host="127.0.0.1", port=port, http=protocol, log_level="critical")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)


PARSERS = {"httptools": ProblemHttpProtocol, "h11": ProblemH11Protocol}
# h11 (uvicorn's fallback without httptools) refuses only a NUL: it hands other control
# characters to the app, whose header check answers them with a 422 problem.
CASES = [("httptools", byte) for byte in FORBIDDEN_IN_HEADERS] + [("h11", b"\x00")]


@pytest.mark.parametrize(("parser", "byte"), CASES, ids=[f"{p}-0x{b[0]:02x}" for p, b in CASES])
def test_either_parser_answers_a_problem(parser: str, byte: bytes) -> None:
    with serving(PARSERS[parser]) as url:
        assert_problem(send_raw(url, idempotent_post("/api/v1/transactions", b"key-" + byte)))
        assert_problem(send_raw(url, MALFORMED_LINE))


@pytest.mark.slow
def test_the_embedded_platform_answers_a_problem(tmp_path: Path) -> None:
    with embedded_platform(tmp_path) as url:
        for byte in FORBIDDEN_IN_HEADERS:
            assert_problem(send_raw(url, idempotent_post("/api/v1/transactions", b"key-" + byte)))
        assert_problem(send_raw(url, MALFORMED_LINE))


def test_every_command_that_starts_a_service_uses_the_protocol() -> None:
    """uvicorn started in code goes through ``server_config``; on a command line (the
    launcher of ``make up``, the images' CMD) it is given ``--http`` ``HTTP_PROTOCOL``."""
    folders = ("gateway", "pamtalk", "services", "loadtests")
    code = [path for folder in folders for path in ROOT.glob(f"{folder}/**/*.py")]
    in_code = [path for path in code if re.search(r"uvicorn\.Config\(", path.read_text())]
    assert in_code == [ROOT / "pamtalk/server.py"], in_code
    assert '"--http", HTTP_PROTOCOL' in (ROOT / "gateway/launcher.py").read_text()
    dockerfiles = sorted(ROOT.glob("services/*/Dockerfile"))
    assert len(dockerfiles) == 6
    for dockerfile in dockerfiles:
        cmd = dockerfile.read_text().split("\nCMD ")[-1]
        assert cmd.startswith('["uvicorn"') and f'"--http", "{HTTP_PROTOCOL}"' in cmd, dockerfile
