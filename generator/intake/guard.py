"""ASGI middleware in front of every route: body size and speed limits, security headers.

The body limit is enforced twice: from Content-Length before a byte is read, and while the body
streams in (a chunked or lying client), so the multipart parser never sees more than the limit.
"""

from __future__ import annotations

import asyncio

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self'; style-src 'self'; script-src 'none'; object-src 'none'; "
     b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    # Pages show a community's unpublished drafts: never keep them in a shared cache.
    (b"cache-control", b"no-store"),
]


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class Guard:
    def __init__(self, app, max_body: int, read_timeout: float):
        self.app, self.max_body, self.read_timeout = app, max_body, read_timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        length = _content_length(scope)
        if length is not None and length > self.max_body:
            return await _plain(send_with_headers, 413, "上传内容过大，已拒绝。请求体不能超过 %d MB。" % (self.max_body // 1_000_000))
        received = 0

        async def limited_receive():
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), timeout=self.read_timeout)
            except asyncio.TimeoutError:
                raise BodyTooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _plain(send_with_headers, 413, "上传内容过大，已拒绝。")
        except BodyTooSlow:
            if not started:
                await _plain(send_with_headers, 408, "上传太慢，连接已超时，请重试。")


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _plain(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
