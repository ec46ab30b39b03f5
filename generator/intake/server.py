"""The HTTP server Juwu ships for the upload service: uvicorn with every connection bounded.

uvicorn 0.54 bounds a request's header size (`h11_max_incomplete_event_size`), the idle time
between requests (`timeout_keep_alive`) and open connections (`limit_concurrency`), but has no
timeout for *reading the request header*: a client that sends half a header keeps its
connection — and its place under `limit_concurrency` — for ever, so a few hundred of them answer
every other request with 503. `HeaderDeadline` closes a connection whose header is not complete
within `Limits.header_timeout` seconds (on a fresh connection and between keep-alive requests).
The reverse proxy (see nginx-intake.conf) applies the same limits before a request gets here.
"""

from __future__ import annotations

import asyncio

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from generator.intake.settings import Limits


class HeaderDeadline(H11Protocol):
    """h11 protocol that closes connections whose request header takes longer than `header_timeout`."""

    header_timeout: float = Limits.header_timeout

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and self.timeout_keep_alive_task is None:
            self._arm()  # a (next) request's header is still incomplete
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # between requests uvicorn's keep-alive timeout applies

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def config(app, port: int, limits: Limits, host: str = "127.0.0.1", log_level: str = "info") -> uvicorn.Config:
    """The one server configuration: `juwu intake` and the tests start the service from it."""
    protocol = type("HeaderDeadline", (HeaderDeadline,), {"header_timeout": limits.header_timeout})
    # One process: sessions and the rebuild queue live in memory. Proxy headers are trusted only from
    # 127.0.0.1, so the sign-in limits see the client's address that the reverse proxy forwards.
    return uvicorn.Config(
        app, host=host, port=port, workers=1, http=protocol, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
        server_header=False, log_level=log_level, timeout_keep_alive=limits.keep_alive_timeout,
        limit_concurrency=limits.max_connections, h11_max_incomplete_event_size=limits.max_header_bytes,
        backlog=limits.max_connections)
