"""The review app through HTTP (FastAPI's TestClient): pages, validation, token, CSRF, escaping, paths."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.errors import ExitCode
from extractor.review.app import create_app
from extractor.web import Guard
from tests.batch_output import ROOT, copy_output, samples_output, the_record

SAMPLE = "gov-12-BC-TCT.pdf"
PLANTED = "<script>alert('pwned')</script>"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples_output(tmp_path_factory.mktemp("review-api"), (SAMPLE,), "--review-threshold", "0.95")


@pytest.fixture
def out(batch_out: Path, tmp_path: Path) -> Path:
    return copy_output(batch_out, tmp_path)


@pytest.fixture
def guard() -> Guard:
    return Guard(token=None, loopback=True)


@pytest.fixture
def client(out: Path, guard: Guard) -> TestClient:
    return TestClient(create_app(out, guard, "tester"), base_url="http://localhost")


def plant(out: Path, change: callable) -> dict:
    """Rewrite the stored record (as a hostile or odd PDF could have produced it)."""
    record = the_record(out)
    change(record)
    with sqlite3.connect(out / "store.sqlite") as connection:
        connection.execute("UPDATE documents SET record = ?", (json.dumps(record, ensure_ascii=False),))
    return record


def item_page(client: TestClient, sha: str, path: str, **query: str):
    return client.get(f"/documents/{sha}/item", params={"path": path, **query})


def form(client: TestClient, guard: Guard, sha: str, path: str, action: str, version: int = 0, **parts: str):
    data = {"csrf_token": guard.csrf_token, "path": path, "version": str(version), "action": action}
    data |= {f"part_{name}": value for name, value in parts.items()}
    return client.post(f"/documents/{sha}/item", data=data, follow_redirects=False)


def corrections(client: TestClient, sha: str) -> list[dict]:
    return client.get(f"/api/documents/{sha}/corrections").json()["corrections"]


def test_queue_lists_review_items_worst_first_with_a_counter(client: TestClient, out: Path) -> None:
    record = the_record(out)
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    total = len(record["review"])
    assert f'<strong id="left">{total}</strong> left of {total} items' in page.text
    shown = [float(v) for v in re.findall(r'<span class="confidence"[^>]*>([\d.]+)</span>', page.text)]
    assert shown == sorted(shown) and len(shown) == total
    assert "Phó Hiệu trưởng" in page.text  # Vietnamese as UTF-8
    figures_only = client.get("/", params={"kind": "figure"}).text
    assert figures_only.count("<tr ") == sum(item["path"].startswith("figures[") for item in record["review"])
    assert client.get("/", params={"reason": "nothing_like_this"}).text.count("<tr ") == 0


def test_item_page_shows_value_source_and_the_crop(client: TestClient, out: Path) -> None:
    record = the_record(out)
    sha = record["source"]["sha256"]
    page = item_page(client, sha, "figures[5]", reason="low_confidence")
    assert page.status_code == 200
    figure = record["figures"][5]
    assert figure["text"] in page.text and "low_confidence" in page.text and "0.85" in page.text
    assert f"/documents/{sha}/crop.png?path=figures%5B5%5D" in page.text
    assert record["document"]["subject"]["value"] in page.text  # the document's other fields
    crop = client.get(f"/documents/{sha}/crop.png", params={"path": "figures[5]"})
    assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")
    whole = client.get(f"/documents/{sha}/pages/1.png")
    assert whole.status_code == 200 and whole.content.startswith(b"\x89PNG")
    assert list((out / ".review-cache").glob(f"{sha}-p1-*.png"))


def test_correcting_a_date_normalises_and_is_recorded(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    answer = form(client, guard, sha, "document.date", "correct", value="7/1/2024")
    assert answer.status_code == 303 and "saved=Date" in answer.headers["location"]
    [entry] = corrections(client, sha)
    assert (entry["path"], entry["action"], entry["old_value"], entry["new_value"], entry["reviewer"]) == (
        "document.date",
        "corrected",
        "2024-01-05",
        "2024-01-07",
        "tester",
    )
    corrected = client.get(f"/api/documents/{sha}/record", params={"corrected": "true"}).json()
    assert corrected["document"]["date"]["value"] == "2024-01-07"
    assert corrected["review_status"]["document.date"] == "corrected"
    assert client.get(f"/api/documents/{sha}/record").json()["document"]["date"]["value"] == "2024-01-05"


@pytest.mark.parametrize(
    ("path", "parts", "message"),
    [
        ("document.date", {"value": "30/02/2024"}, "not a real date"),
        ("figures[1]", {"classes": "-3"}, "whole number"),
        ("figures[1]", {"students": "nhiều"}, "whole number"),
        ("document.number", {"value": "BC-TCT"}, "number and symbol"),
        ("schools[0]", {"value": "Trường Năng khiếu Sao Hỏa"}, "not a school of the gazetteer"),
        ("figures[1]", {"period": "2023-H5"}, "not a period"),
    ],
)
def test_bad_corrections_are_refused_in_the_page(
    client: TestClient, guard: Guard, out: Path, path: str, parts: dict[str, str], message: str
) -> None:
    sha = the_record(out)["source"]["sha256"]
    answer = form(client, guard, sha, path, "correct", **parts)
    assert answer.status_code == 422
    assert message in answer.text and 'role="alert"' in answer.text
    assert next(iter(parts.values())) in answer.text  # what was typed is kept for fixing
    assert corrections(client, sha) == []


def test_a_new_school_must_be_said_to_be_new(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    data = {"csrf_token": guard.csrf_token, "path": "schools[0]", "version": "0", "action": "correct"}
    data |= {"part_value": "Trường Năng khiếu Sao Hỏa", "new_school": "on"}
    assert client.post(f"/documents/{sha}/item", data=data, follow_redirects=False).status_code == 303
    school = client.get(f"/api/documents/{sha}/record", params={"corrected": "true"}).json()["schools"][0]
    assert (school["name"], school["id"]) == ("Trường Năng khiếu Sao Hỏa", None)


def test_figure_parts_accept_and_reject(client: TestClient, guard: Guard, out: Path) -> None:
    record = the_record(out)
    sha = record["source"]["sha256"]
    figure = record["figures"][2]
    unchanged = {"classes": str(figure["classes"]), "label": figure["label"], "period": figure["period"]}
    assert form(client, guard, sha, "figures[2]", "correct", **unchanged, students="999").status_code == 303
    assert form(client, guard, sha, "document.subject", "accept").status_code == 303
    assert form(client, guard, sha, "figures[0]", "reject").status_code == 303
    entries = corrections(client, sha)
    assert [(e["path"], e["action"], e["new_value"]) for e in entries] == [
        ("figures[2].students", "corrected", 999),
        ("document.subject", "accepted", None),
        ("figures[0]", "rejected", None),
    ]
    page = client.get("/")
    total = len(record["review"])
    assert f'<strong id="left">{total - 3}</strong> left of {total} items' in page.text
    corrected = client.get(f"/api/documents/{sha}/record", params={"corrected": "true"}).json()
    assert corrected["figures"][1]["students"] == 999  # figures[0] is gone
    assert corrected["review_rejected"][0]["path"] == "figures[0]"


def test_saving_unchanged_values_accepts_them(client: TestClient, guard: Guard, out: Path) -> None:
    record = the_record(out)
    sha = record["source"]["sha256"]
    assert form(client, guard, sha, "document.subject", "correct", value=record["document"]["subject"]["value"])
    assert [e["action"] for e in corrections(client, sha)] == ["accepted"]


def test_a_stale_page_gets_a_conflict_message(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    assert form(client, guard, sha, "document.date", "correct", value="06/01/2024").status_code == 303
    stale = form(client, guard, sha, "document.date", "correct", version=0, value="08/01/2024")
    assert stale.status_code == 409
    assert "was changed by tester" in stale.text and "not saved" in stale.text
    assert 'name="version" value="1"' in stale.text  # the page now holds the current version
    assert [e["new_value"] for e in corrections(client, sha)] == ["2024-01-06"]


def test_json_api_writes_with_versions(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    url = f"/api/documents/{sha}/items"
    body = {"path": "figures[3]", "version": 0, "action": "correct", "values": {"classes": "4"}}
    headers = {"X-CSRF-Token": guard.csrf_token}
    assert client.post(url, json=body, headers=headers).json() == {"path": "figures[3]", "version": 1}
    conflict = client.post(url, json=body, headers=headers)
    assert conflict.status_code == 409 and "figures[3] was changed" in conflict.json()["error"]
    assert (
        client.post(url, json={**body, "version": 1, "values": {"classes": "-1"}}, headers=headers).status_code == 422
    )
    assert client.get(f"/api/documents/{sha}/corrections").json()["versions"] == {"figures[3]": 1}


def test_state_changes_need_the_csrf_token(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    data = {"path": "document.date", "version": "0", "action": "accept"}
    assert client.post(f"/documents/{sha}/item", data=data).status_code == 403
    assert client.post(f"/documents/{sha}/item", data={**data, "csrf_token": "guessed"}).status_code == 403
    body = {"path": "document.date", "version": 0, "action": "accept"}
    assert client.post(f"/api/documents/{sha}/items", json=body).status_code == 403
    assert client.get(f"/documents/{sha}/item", params={"path": "document.date", "action": "accept"}).status_code == 200
    assert corrections(client, sha) == []
    page = item_page(client, sha, "document.date").text
    assert f'name="csrf_token" value="{guard.csrf_token}"' in page


def test_a_token_is_required_when_set(out: Path) -> None:
    guard = Guard(token="s3cret", loopback=False)
    client = TestClient(create_app(out, guard, "tester"), base_url="http://192.168.1.20")
    assert client.get("/").status_code == 401
    assert client.get("/static/review.css").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/?token=s3cret").status_code == 200
    assert client.get("/documents").status_code == 200  # the cookie carries it from then on


def test_a_loopback_server_answers_only_to_localhost(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 421


def test_planted_markup_is_shown_as_text(client: TestClient, out: Path) -> None:
    def poison(record: dict) -> None:
        record["document"]["subject"]["value"] = PLANTED
        record["document"]["subject"]["text"] = PLANTED
        record["figures"][1]["label"] = '"><img src=x onerror=alert(1)>'
        record["review"].append({"path": "document.subject", "reason": "<b>odd</b>", "confidence": 0.1})

    record = plant(out, poison)
    sha = record["source"]["sha256"]
    pages = [
        client.get("/"),
        item_page(client, sha, "document.subject", reason="<b>odd</b>"),
        item_page(client, sha, "figures[1]"),
        client.get(f"/documents/{sha}"),
        client.get(f"/documents/{sha}/figures"),
        client.get("/documents"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b>odd" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in pages[1].text
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[2].text


@pytest.mark.parametrize(
    "url",
    [
        "/documents/../../etc/passwd",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd/figures",
        "/documents/..%252F..%252Fetc%252Fpasswd/pages/1.png",
        "/documents/{sha_upper}",
        "/documents/{sha}/pages/0.png",
        "/documents/{sha}/pages/99.png",
        "/documents/{sha}/pages/..%2F..%2Fstore.sqlite",
        "/documents/{sha}/pages/1.png%00.txt",
        "/documents/{sha}/crop.png?path=../../etc/passwd",
        "/documents/{sha}/crop.png?path=figures[999]",
        "/documents/{sha}/item?path=/etc/passwd",
        "/documents/{sha}/item?path=figures[1].students",
        "/static/../store.sqlite",
        "/static/..%2Fstore.sqlite",
        "/static/%2e%2e/%2e%2e/queries.py",
        "/api/documents/{sha}%2F..%2F..%2Fstore.sqlite/record",
        "/documents/" + "0" * 64,
    ],
)
def test_no_path_reads_outside_the_store(client: TestClient, out: Path, url: str) -> None:
    sha = the_record(out)["source"]["sha256"]
    answer = client.get(url.format(sha=sha, sha_upper=sha.upper()))
    assert answer.status_code in (404, 422)
    assert b"SQLite format" not in answer.content and b"root:" not in answer.content
    assert b"import " not in answer.content


def test_document_and_figures_pages(client: TestClient, guard: Guard, out: Path) -> None:
    def contradict(record: dict) -> None:
        record["figures"][4]["students"] = 1  # fewer students than classes

    record = plant(out, contradict)
    sha = record["source"]["sha256"]
    document = client.get(f"/documents/{sha}").text
    assert document.count('class="box status-auto"') >= len(record["figures"])
    assert f'src="/documents/{sha}/pages/2.png"' in document
    figures = client.get(f"/documents/{sha}/figures").text
    assert "students_below_classes" in figures
    assert figures.count('class="failing ') == 1 and 'id="figures[4]" class="failing' in figures
    queue = client.get("/", params={"reason": "students_below_classes"}).text
    assert queue.count("<tr ") == 1 and "counts" in queue
    fixed = client.post(
        f"/api/documents/{sha}/items",
        json={"path": "figures[4]", "version": 0, "action": "correct", "values": {"students": "300"}},
        headers={"X-CSRF-Token": guard.csrf_token},
    )
    assert fixed.status_code == 200
    figures = client.get(f"/documents/{sha}/figures").text
    assert "students_below_classes" not in figures and 'class="failing' not in figures
    assert "Every consistency check passes" in figures


def test_a_folder_without_a_store_is_refused(tmp_path: Path) -> None:
    done = run_review(tmp_path)
    assert done.returncode == ExitCode.NO_STORE
    assert (
        done.stderr.strip()
        == f"extractor: {tmp_path}: not a batch output folder (no store.sqlite; run `extractor batch` first)"
    )


def test_another_address_needs_a_token(out: Path) -> None:
    done = run_review(out, "--host", "0.0.0.0")
    assert done.returncode == ExitCode.UNSAFE_SERVER
    assert "--token" in done.stderr and "Traceback" not in done.stderr


def run_review(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "extractor", "review", str(out), "--no-browser", "--port", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_a_figure_school_may_be_new_too(client: TestClient, guard: Guard, out: Path) -> None:
    sha = the_record(out)["source"]["sha256"]
    assert 'name="new_school"' in item_page(client, sha, "figures[2]").text
    refused = form(client, guard, sha, "figures[2]", "correct", school="Trường Năng khiếu Sao Hỏa")
    assert refused.status_code == 422 and "add it as a new school" in refused.text
    data = {"csrf_token": guard.csrf_token, "path": "figures[2]", "version": "0", "action": "correct"}
    data |= {"part_school": "Trường Năng khiếu Sao Hỏa", "new_school": "on"}
    assert client.post(f"/documents/{sha}/item", data=data, follow_redirects=False).status_code == 303
    assert [(e["path"], e["new_value"]) for e in corrections(client, sha)] == [
        ("figures[2].school", "Trường Năng khiếu Sao Hỏa")
    ]


def test_a_long_queue_comes_in_pages(client: TestClient, out: Path) -> None:
    def lengthen(record: dict) -> None:
        record["review"] += [{"path": "document.type", "reason": f"odd_{n:03d}", "confidence": 0.5} for n in range(150)]

    record = plant(out, lengthen)
    total = len(record["review"])
    first = client.get("/").text
    assert first.count("<tr ") == 100 and "page 1 of 2" in first and "rows 1–100" in first
    second = client.get("/", params={"page": "2"}).text
    assert second.count("<tr ") == total - 100 and "← worse" in second
    assert client.get("/", params={"page": "99"}).text.count("<tr ") == total - 100


def test_a_decision_follows_its_item_into_a_new_extraction(client: TestClient, guard: Guard, out: Path) -> None:
    record = the_record(out)
    sha = record["source"]["sha256"]
    assert form(client, guard, sha, "figures[3]", "accept").status_code == 303

    def shift(record: dict) -> None:  # a re-extraction found one more figure before the others
        record["figures"].insert(0, {**record["figures"][0], "text": "1 lớp", "classes": 1, "students": None})
        for item in record["review"]:
            if item["path"].startswith("figures["):
                item["path"] = f"figures[{int(item['path'][8:-1]) + 1}]"

    plant(out, shift)
    with sqlite3.connect(out / "store.sqlite") as connection:  # as a new batch run would mark it
        connection.execute("UPDATE documents SET updated_at = updated_at + 1")
    queue = client.get("/", params={"kind": "figure", "view": "all"}).text
    done = re.findall(r'<tr class="decided"[^>]*path=figures%5B(\d+)%5D', queue)
    assert done == ["4"]


def test_a_taken_port_and_bad_options_are_one_line_errors(out: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_review(out, "--port", str(port))
    assert done.returncode == ExitCode.SERVER_FAILED and "cannot listen there" in done.stderr
    assert run_review(out, "--port", "70000").returncode == ExitCode.USAGE
    missing = run_review(out, "--archive", str(out / "nowhere"))
    assert missing.returncode == ExitCode.USAGE and missing.stderr.count("\n") == 1
