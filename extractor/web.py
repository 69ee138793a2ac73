"""What the review app and the HTTP API share: who may connect and how the server runs.

- Binding: 127.0.0.1 by default. Any other address makes the server reachable from other
  machines, so it needs a token (``--token`` or ``EXTRACTOR_TOKEN``); without one the server
  refuses to start (``UnsafeServer``, exit 14).
- Token: when set, every request carries it, as ``Authorization: Bearer <token>``, an
  ``X-Extractor-Token`` header, or once as ``?token=`` in a browser address, which sets a
  cookie for the rest of the visit. Compared in constant time.
- Host header: on a loopback address only ``localhost``/loopback host names are served, so a web
  page elsewhere cannot reach the server by DNS rebinding.
- CSRF: pages embed ``Guard.csrf_token``; a state-changing request must send it back (form field
  ``csrf_token`` or header ``X-CSRF-Token``). Another site cannot read a page, so cannot know it.
- Running: the socket is bound before uvicorn starts, so a taken port is a one-line error
  (``ServerFailed``, exit 15); port 0 picks a free port, and the URL printed is the real one.
  Ctrl-C stops uvicorn cleanly.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import sys
import webbrowser
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from extractor.errors import ServerFailed, UnsafeServer

TOKEN_VARIABLE = "EXTRACTOR_TOKEN"
TOKEN_COOKIE = "extractor_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_token(host: str, token: str | None) -> str | None:
    """The token this server requires (``None`` on loopback without one); refuses an open server."""
    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if token is None and not is_loopback(host):
        raise UnsafeServer(host, f"listening beyond this machine needs --token (or {TOKEN_VARIABLE})")
    return token


@dataclass
class Guard:
    """The token and CSRF rules of one server, as ASGI middleware (``Guard(...).wrap(app)``)."""

    token: str | None
    loopback: bool
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            refusal = self.refusal(scope)
            if refusal is not None:
                await plain_response(send, *refusal)
                return
            if self.token is not None and query_token(scope) is not None:
                await app(scope, receive, cookie_setter(send, self.token))
                return
            await app(scope, receive, send)

        return guarded

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        if self.loopback and host_name(headers.get("host", "")) not in LOOPBACK_NAMES:
            return 421, "this server answers only to localhost"
        if self.token is None:
            return None
        offered = [
            headers.get("authorization", "").removeprefix("Bearer ").strip(),
            headers.get("x-extractor-token", ""),
            cookies(headers.get("cookie", "")).get(TOKEN_COOKIE, ""),
            query_token(scope) or "",
        ]
        if any(hmac.compare_digest(candidate.encode(), self.token.encode()) for candidate in offered if candidate):
            return None
        return 401, "a valid token is required (Authorization: Bearer TOKEN, or ?token=TOKEN in the address)"

    def csrf_ok(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self.csrf_token.encode())


def host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header.split("]")[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    return {name: value for name, value in pairs}


def query_token(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


def cookie_setter(send: Send, token: str) -> Send:
    cookie = f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1")

    async def send_with_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
        await send(message)

    return send_with_cookie


async def plain_response(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; ``ServerFailed`` with the reason when it cannot be had."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServerFailed(f"{host}:{port}", f"unknown address ({exc.strerror})") from None
    family, kind, protocol, _, address = infos[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ServerFailed(f"{host}:{port}", f"cannot listen there ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, host: str, token: str | None, path: str = "/") -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}" + (f"?token={quote(token)}" if token else "")


def serve(app: ASGIApp, sock: socket.socket, url: str, open_browser: bool) -> None:
    """Run ``app`` on the bound socket until Ctrl-C; print the address first (the only stdout line)."""
    import uvicorn

    print(url, flush=True)
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down cleanly on Ctrl-C, then raises it again
        pass
    finally:
        sock.close()
    print("stopped", file=sys.stderr, flush=True)
