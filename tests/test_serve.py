"""``extractor serve``: the HTTP API, started as a real process and called over a real socket."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.bad_pdfs import write_encrypted, write_truncated
from tests.batch_output import (
    DUPLICATED,
    FILES,
    SAMPLES,
    build_batch_output,
    cli_env,
    run_cli,
    stored_records,
    without_file,
)

TOKEN = "s3cret-token"
SAMPLE = SAMPLES / "gov-12-BC-TCT.pdf"
BIGGER = SAMPLES / "seed-51-BC-CTD.pdf"
"""92 kB: over the small server's limit (60 kB) that ``SAMPLE`` (55 kB, 2 pages) is under."""


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    tmp: Path
    """The server's TMPDIR, where uploads go."""

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.kill()


def start(folder: Path, *args: str) -> Server:
    """``extractor serve ARGS --port 0``; the URL from the first line it prints."""
    tmp = folder / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env = cli_env() | {"TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "extractor", "serve", *args, "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise AssertionError(f"the server did not start: {process.stderr.read()}")
    return Server(process, str(httpx.URL(line.strip()).copy_with(path="/", query=None)).rstrip("/"), tmp)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_batch_output(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start(tmp_path_factory.mktemp("server"), str(out))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without a store, with a token and small limits."""
    running = start(tmp_path_factory.mktemp("small"), "--token", TOKEN, "--max-upload-mb", "0.06", "--max-pages", "1")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def cli_record() -> dict:
    done = run_cli("extract", str(SAMPLE), "--compact")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"], body
    return body["error"]


# -- POST /v1/extract ----------------------------------------------------------------------------


def test_upload_gives_the_record_of_extractor_extract(server: Server, cli_record: dict) -> None:
    with server.client() as client:
        multipart = client.post(
            "/v1/extract", files={"file": ("Báo cáo 12.pdf", SAMPLE.read_bytes(), "application/pdf")}
        )
        raw = client.post("/v1/extract", content=SAMPLE.read_bytes(), headers={"Content-Type": "application/pdf"})
    assert multipart.status_code == 200, multipart.text
    assert raw.status_code == 200, raw.text
    assert without_file(multipart.json()) == without_file(cli_record)
    assert without_file(raw.json()) == without_file(cli_record)
    assert multipart.json()["source"]["file"] == "Báo cáo 12.pdf"
    assert raw.json()["source"]["file"] == "upload.pdf"
    assert not list(server.tmp.iterdir()), "uploads are removed"


def test_uploaded_folder_names_are_dropped(server: Server) -> None:
    with server.client() as client:
        response = client.post("/v1/extract", files={"file": ("../../etc/x.pdf", SAMPLE.read_bytes())})
    assert response.status_code == 200
    assert response.json()["source"]["file"] == "x.pdf"


def test_bad_uploads_are_422_with_the_extractor_reason(server: Server, tmp_path: Path) -> None:
    uploads = {
        "not_a_pdf": b"Not a PDF at all, just text.\n",
        "empty_file": b"",
        "damaged_pdf": write_truncated(tmp_path).read_bytes(),
        "encrypted_pdf": write_encrypted(tmp_path).read_bytes(),
    }
    with server.client() as client:
        for reason, content in uploads.items():
            response = client.post("/v1/extract", files={"file": ("bad.pdf", content)})
            assert response.status_code == 422, (reason, response.text)
            assert error_of(response) == reason
            assert str(server.tmp) not in response.text, "no server path in messages"
        unsupported = client.post("/v1/extract", content=b"hello", headers={"Content-Type": "text/plain"})
        no_file = client.post("/v1/extract", files={"other": ("a.pdf", SAMPLE.read_bytes())})
    assert unsupported.status_code == 415 and error_of(unsupported) == "unsupported_media_type"
    assert no_file.status_code == 422 and error_of(no_file) == "invalid_request"
    assert not list(server.tmp.iterdir())


def test_limits_on_size_and_pages(small: Server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with small.client(headers=auth) as client:
        too_big = client.post("/v1/extract", files={"file": ("big.pdf", BIGGER.read_bytes())})
        too_big_raw = client.post(
            "/v1/extract", content=BIGGER.read_bytes(), headers={"Content-Type": "application/pdf"}
        )
        streamed = client.post(
            "/v1/extract", content=iter([BIGGER.read_bytes()[:40_000]] * 3), headers={"Content-Type": "application/pdf"}
        )
        too_many = client.post("/v1/extract", files={"file": ("two-pages.pdf", SAMPLE.read_bytes())})
    for response in (too_big, too_big_raw, streamed):
        assert response.status_code == 413, response.text
        assert error_of(response) == "too_large"
    assert "chunked" in streamed.request.headers.get("transfer-encoding", ""), "no length announced: counted"
    assert too_many.status_code == 422 and error_of(too_many) == "too_many_pages"
    assert not list(small.tmp.iterdir())


def test_a_token_is_required_when_set(small: Server) -> None:
    with small.client() as client:
        assert client.get("/v1/health").status_code == 401
        assert client.get("/v1/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/v1/health", headers={"Authorization": f"Bearer {TOKEN}"}).json()["store"] is False
        assert client.get("/v1/health", headers={"X-Extractor-Token": TOKEN}).status_code == 200
        refused = client.post("/v1/extract", files={"file": ("a.pdf", SAMPLE.read_bytes())})
    assert refused.status_code == 401


def test_without_a_store_only_extraction_is_served(small: Server) -> None:
    with small.client(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        paths = client.get("/openapi.json").json()["paths"]
        missing = client.get("/v1/documents")
    assert set(paths) == {"/v1/health", "/v1/schema", "/v1/extract"}
    assert missing.status_code == 404 and error_of(missing) == "not_found"


# -- the store -----------------------------------------------------------------------------------


def test_documents_are_listed_once_with_their_paths(server: Server, out: Path) -> None:
    stored = stored_records(out)
    with server.client() as client:
        listing = client.get("/v1/documents").json()
        page = client.get("/v1/documents", params={"limit": 2, "offset": 1}).json()
    ids = {record["source"]["sha256"] for record in stored.values()}
    assert listing["total"] == len(ids) == len(listing["items"])
    assert {item["id"] for item in listing["items"]} == ids
    assert [item["id"] for item in page["items"]] == [item["id"] for item in listing["items"][1:3]]
    duplicate = next(item for item in listing["items"] if item["number"] == "12/BC-TCT")
    assert duplicate["paths"] == sorted(path for path, sample in FILES.items() if sample == DUPLICATED)
    record = stored[duplicate["paths"][0]]
    assert duplicate["issuer"] == record["document"]["issuer"]["value"]
    assert duplicate["pages"] == record["source"]["pages"] and duplicate["review_count"] == len(record["review"])


def test_document_filters(server: Server) -> None:
    with server.client() as client:
        everything = client.get("/v1/documents").json()["items"]

        def ids(**params: str) -> set[str]:
            response = client.get("/v1/documents", params=params)
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        first = everything[0]
        assert first["id"] in ids(issuer=first["issuer"].upper()[5:20])
        assert ids(issuer="no such issuer anywhere") == set()
        assert ids(type=first["type"].lower()) == {i["id"] for i in everything if i["type"] == first["type"]}
        dates = sorted(item["date"] for item in everything)
        assert ids(date_from=dates[1]) == {i["id"] for i in everything if i["date"] >= dates[1]}
        assert ids(date_to=dates[1]) == {i["id"] for i in everything if i["date"] <= dates[1]}
        assert client.get("/v1/documents", params={"date_from": "12/08/2021"}).status_code == 422
        assert client.get("/v1/documents", params={"limit": 0}).status_code == 422


def test_one_document(server: Server, out: Path) -> None:
    stored = next(iter(stored_records(out).values()))
    id = stored["source"]["sha256"]
    with server.client() as client:
        corrected = client.get(f"/v1/documents/{id}").json()
        raw = client.get(f"/v1/documents/{id}", params={"corrected": "false"}).json()
        unknown = client.get(f"/v1/documents/{'0' * 64}")
    assert without_file(raw) == without_file(stored)
    assert set(corrected["review_status"].values()) <= {"auto"}
    assert unknown.status_code == 404 and error_of(unknown) == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/documents/..%2F..%2Fstore.sqlite",
        "/v1/documents/..%2Fstore.sqlite",
        "/v1/documents/%2e%2e",
        "/v1/documents/ABCDEF" + "0" * 58,
        "/v1/documents/" + "0" * 63 + "g",
        "/v1/documents/store.sqlite",
        "/v1/documents/" + "0" * 64 + "%00",
    ],
)
def test_traversal_like_ids_are_refused(server: Server, path: str) -> None:
    with server.client() as client:
        response = client.get(path)
    assert response.status_code in (404, 422)
    assert error_of(response) in ("not_found", "invalid_request")
    assert "SQLite" not in response.text


def test_figures_and_their_filters(server: Server, out: Path) -> None:
    records = {r["source"]["sha256"]: r for r in stored_records(out).values()}
    with server.client() as client:

        def figures(**params: str) -> list[dict]:
            response = client.get("/v1/figures", params={"limit": 1000, **params})
            assert response.status_code == 200, response.text
            return response.json()["items"]

        every = figures()
        assert len(every) == sum(len(r["figures"]) for r in records.values())
        for item in every:
            figure = records[item["document_id"]]["figures"][item["ordinal"]]
            assert {k: v for k, v in item.items() if k not in ("document_id", "ordinal", "status")} == figure
        school = next(f["school"] for f in every if f["school"])
        by_school = figures(school=school.lower().split("tỉnh")[-1].strip())
        assert by_school and all(school.lower().endswith(f["school"].lower().split("tỉnh")[-1]) for f in by_school)
        assert figures(school=school) == [f for f in every if f["school"] == school]
        period = every[0]["period"]
        assert figures(period=period) == [f for f in every if f["period"] == period]
        assert figures(kind="plan") == [f for f in every if f["kind"] == "plan"]
        document = every[-1]["document_id"]
        assert figures(document=document) == [f for f in every if f["document_id"] == document]
        assert client.get("/v1/figures", params={"kind": "guess"}).status_code == 422


def test_openapi_and_offline_docs(server: Server) -> None:
    with server.client() as client:
        spec = client.get("/openapi.json").json()
        docs = client.get("/docs")
        schema = client.get("/v1/schema").json()
    assert {"/v1/extract", "/v1/documents", "/v1/documents/{document_id}", "/v1/figures", "/v1/health"} <= set(
        spec["paths"]
    )
    assert set(spec["paths"]["/v1/extract"]["post"]["requestBody"]["content"]) == {
        "multipart/form-data",
        "application/pdf",
    }
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "<script" not in docs.text and "//cdn" not in docs.text
    for path in spec["paths"]:
        assert path.replace("{", "").replace("}", "") in docs.text.replace("{", "").replace("}", "")
    assert schema["properties"]["schema_version"]


def test_health(server: Server, out: Path) -> None:
    with server.client() as client:
        health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["store"] is True
    assert health["documents"] == len({r["source"]["sha256"] for r in stored_records(out).values()})


def test_foreign_host_names_are_refused(server: Server) -> None:
    with server.client() as client:
        assert client.get("/v1/health", headers={"Host": "attacker.example"}).status_code == 421


def test_corrections_made_while_serving_are_served(out: Path, tmp_path: Path) -> None:
    from extractor.corrections import Corrections, Edit
    from extractor.store import open_store

    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    running = start(tmp_path, str(copy))
    try:
        with running.client() as client:
            before = client.get("/v1/figures").json()["items"][0]
            store = open_store(copy)
            try:
                record = next(r for _, r in store.records() if r["source"]["sha256"] == before["document_id"])
                edit = Edit(f"figures[{before['ordinal']}].classes", "corrected", before["classes"] + 1000)
                Corrections(store).write(record, f"figures[{before['ordinal']}]", 0, [edit], "tester")
            finally:
                store.close()
            after = client.get("/v1/figures").json()["items"][0]
            document = client.get(f"/v1/documents/{before['document_id']}").json()
            extracted = client.get(f"/v1/documents/{before['document_id']}", params={"corrected": "false"}).json()
    finally:
        running.stop()
    assert before["status"] == "auto"
    assert after["classes"] == before["classes"] + 1000 and after["status"] == "corrected"
    assert document["figures"][before["ordinal"]]["classes"] == after["classes"]
    assert document["review_status"][f"figures[{before['ordinal']}]"] == "corrected"
    assert extracted["figures"][before["ordinal"]]["classes"] == before["classes"]


# -- starting and stopping -----------------------------------------------------------------------


def test_ctrl_c_stops_the_server_cleanly(tmp_path: Path, out: Path) -> None:
    running = start(tmp_path, str(out))
    with running.client() as client:
        assert client.get("/v1/health").status_code == 200
    assert running.stop() == 0
    assert "Traceback" not in running.process.stderr.read()


def test_open_address_without_token_is_refused(out: Path) -> None:
    done = run_cli("serve", str(out), "--host", "0.0.0.0", "--port", "0", timeout=60)
    assert done.returncode == 14
    assert done.stderr.startswith("extractor: 0.0.0.0: ") and "--token" in done.stderr
    assert done.stdout == ""


def test_a_folder_without_store_is_exit_13(tmp_path: Path) -> None:
    done = run_cli("serve", str(tmp_path), "--port", "0", timeout=60)
    assert done.returncode == 13 and "store.sqlite" in done.stderr


def test_a_taken_port_is_exit_15(server: Server) -> None:
    port = str(httpx.URL(server.url).port)
    done = run_cli("serve", "--port", port, timeout=60)
    assert done.returncode == 15 and port in done.stderr
