"""Connection fixes for the load generator's process (gevent, thousands of open sockets).

geventhttpclient checks a kept-alive socket before reusing it with ``select()``, which
refuses descriptors numbered 1024 or more (``ValueError: filedescriptor out of range``); the
check then calls the socket dead, closes it and connects again. With a thousand virtual
users or more, most sockets are past that number: nearly every request opened a new TCP
connection (and resolved the host through gevent's thread pool), which cost the generator
most of its CPU and showed the platform connection churn no real client makes. ``install``
makes the same check with ``poll()``, which has no such limit, and resolves a numeric or
``localhost`` host in place (no thread round trip per new connection).
"""

from __future__ import annotations

import ipaddress
import select
from typing import Any
from urllib.parse import urlsplit

import gevent
from gevent import monkey
from geventhttpclient.connectionpool import ConnectionPool

_poll = monkey.get_original("select", "poll")
_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def socket_alive(_pool: ConnectionPool, sock: Any) -> bool:
    """An idle kept-alive socket is usable when it is open and has nothing to read (a
    readable idle socket has the server's close, or stray bytes): geventhttpclient's rule."""
    if sock is None:
        return False
    try:
        fd = sock.fileno()
        if fd < 0:
            return False
        poller = _poll()
        poller.register(fd, _READABLE)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False


def local_host(url: str) -> bool:
    """Whether ``url``'s host needs no DNS: an IP address or ``localhost``."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def install(host: str) -> None:
    ConnectionPool._is_socket_alive = socket_alive  # type: ignore[method-assign,assignment]
    if local_host(host):
        gevent.config.resolver = "block"  # before the first connection creates the resolver
