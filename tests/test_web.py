"""The shared server rules: who may connect, the token, CSRF, binding."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from extractor.errors import ServerFailed, UnsafeServer
from extractor.web import TOKEN_COOKIE, Guard, bind, is_loopback, server_token, url_of


def hello_app(guard: Guard) -> TestClient:
    app = FastAPI()

    @app.get("/")
    def hello() -> dict:
        return {"ok": True}

    return TestClient(guard.wrap(app), base_url="http://localhost")


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "example.org", "::"))


def test_an_open_address_needs_a_token(monkeypatch):
    monkeypatch.delenv("EXTRACTOR_TOKEN", raising=False)
    assert server_token("127.0.0.1", None) is None
    with pytest.raises(UnsafeServer, match="--token"):
        server_token("0.0.0.0", None)
    assert server_token("0.0.0.0", "s3cret") == "s3cret"
    monkeypatch.setenv("EXTRACTOR_TOKEN", "from-env")
    assert server_token("0.0.0.0", None) == "from-env"


def test_every_request_carries_the_token():
    client = hello_app(Guard(token="s3cret", loopback=True))
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).json() == {"ok": True}
    assert client.get("/", headers={"X-Extractor-Token": "s3cret"}).status_code == 200


def test_a_token_in_the_address_becomes_a_cookie():
    client = hello_app(Guard(token="s3cret", loopback=True))
    first = client.get("/?token=s3cret")
    assert first.status_code == 200
    assert TOKEN_COOKIE in first.headers["set-cookie"]
    assert "HttpOnly" in first.headers["set-cookie"]
    assert client.get("/").status_code == 200


def test_loopback_server_refuses_foreign_host_names():
    client = hello_app(Guard(token=None, loopback=True))
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 421


def test_csrf_token_must_match():
    guard = Guard(token=None, loopback=True)
    assert guard.csrf_ok(guard.csrf_token)
    assert not guard.csrf_ok(None)
    assert not guard.csrf_ok("x" + guard.csrf_token)


def test_a_taken_port_is_a_clear_error():
    first = bind("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        with pytest.raises(ServerFailed, match=f"127.0.0.1:{port}"):
            bind("127.0.0.1", port)
        assert url_of(first, "127.0.0.1", "a b") == f"http://127.0.0.1:{port}/?token=a%20b"
    finally:
        first.close()
