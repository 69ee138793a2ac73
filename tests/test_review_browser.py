"""The review app end to end: a batch, ``extractor review`` as a real server, headless Chromium.

A reviewer opens the queue, corrects a date and a figure and accepts another item with the
keyboard only; the store, the corrections API and ``extractor export --corrected`` show it. Two
browser contexts editing the same item: the second gets the conflict message. Ctrl-C stops the
server cleanly. Screenshots of the queue and of a document view are saved in the test's folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.corrections import Corrections
from extractor.store import open_store
from tests.batch_output import copy_output, samples_output
from tests.browser import ReviewServer, chromium, start_review

SAMPLES = ("gov-12-BC-TCT.pdf", "tb-15-TB-TCT-scan.pdf")
SCAN = "tb-15-TB-TCT-scan.pdf"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples_output(tmp_path_factory.mktemp("review-browser"), SAMPLES, "--review-threshold", "0.99")


@pytest.fixture
def out(batch_out: Path, tmp_path: Path) -> Path:
    return copy_output(batch_out, tmp_path)


@pytest.fixture
def server(out: Path) -> Iterator[ReviewServer]:
    running = start_review(out, "--reviewer", "Nguyễn Thị Lan")
    try:
        yield running
    finally:
        running.stop()


def records(out: Path) -> dict[str, dict]:
    store = open_store(out)
    try:
        return {path: record for path, record in store.records()}
    finally:
        store.close()


def trail(out: Path, sha256: str) -> list[tuple[str, str, object]]:
    store = open_store(out)
    try:
        return [(e.path, e.action, e.new_value) for e in Corrections(store).entries(sha256)]
    finally:
        store.close()


def open_first(page: object, base: str, kind: str) -> None:
    """From the queue, through the filter form, to the first item of ``kind``, by keyboard."""
    page.goto(base)
    page.select_option("select[name=kind]", kind)
    page.click("form.filters button")
    page.wait_for_url(f"**kind={kind}**")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/item?**")


def test_review_with_the_keyboard(server: ReviewServer, out: Path, tmp_path: Path) -> None:
    scan = records(out)[SCAN]
    sha = scan["source"]["sha256"]
    base = server.url.rstrip("/")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        total = sum(len(record["review"]) for record in records(out).values())
        assert page.locator("#left").inner_text() == str(total)
        assert "Tỉnh ủy" in page.content() or "Trường Chính trị" in page.content()
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=False)

        # a date: filter the queue, open with Enter, e to edit, type a dd/mm/yyyy date, Enter to save
        page.goto(f"{server.url}?document={sha}")
        open_first(page, f"{server.url}?document={sha}", "date")
        assert page.locator("h1").inner_text().startswith("Date")
        page.keyboard.press("e")
        page.keyboard.type("9/12/2024")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Saved: Date")

        # a figure: e focuses the classes, Tab moves to the students
        open_first(page, server.url, "figure")
        heading = page.locator("h1").inner_text()
        figure_file = page.locator("p.crumbs a").first.inner_text()
        path = page.locator("input[name=path]").input_value()
        page.keyboard.press("e")
        page.keyboard.type("7")
        page.keyboard.press("Tab")
        page.keyboard.type("250")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"text=Saved: {heading.split()[0]} {heading.split()[1]}")

        # the next item: accepted with a
        accepted = page.locator("input[name=path]").input_value()
        accepted_file = page.locator("p.crumbs a").first.inner_text()
        page.keyboard.press("a")
        page.wait_for_selector("#saved")

        page.goto(f"{base}/documents/{sha}")
        page.wait_for_load_state("networkidle")  # the page images (no script may run here: the CSP forbids eval)
        page.screenshot(path=str(tmp_path / "document.png"), full_page=False)
        boxes = page.locator("a.box")
        assert boxes.count() >= len(scan["figures"])
        assert page.locator("a.box.status-corrected").count() >= 1
        boxes.first.click()
        page.wait_for_url("**/item?**")

        corrections = page.request.get(f"{base}/api/documents/{sha}/corrections").json()["corrections"]
        assert corrections[0]["path"] == "document.date" and corrections[0]["new_value"] == "2024-12-09"
        assert corrections[0]["reviewer"] == "Nguyễn Thị Lan"

    by_file = records(out)
    assert trail(out, sha)[0] == ("document.date", "corrected", "2024-12-09")
    figure_sha = by_file[figure_file]["source"]["sha256"]
    assert (f"{path}.classes", "corrected", 7) in trail(out, figure_sha)
    assert (f"{path}.students", "corrected", 250) in trail(out, figure_sha)
    assert (accepted, "accepted", None) in trail(out, by_file[accepted_file]["source"]["sha256"])
    assert by_file[SCAN] == scan  # the extraction itself is untouched

    exported = export_corrected(out)
    assert exported[sha]["document"]["date"]["value"] == "2024-12-09"
    assert exported[sha]["review_status"]["document.date"] == "corrected"
    index = int(path.split("[")[1].rstrip("]"))
    assert exported[figure_sha]["figures"][index]["classes"] == 7
    assert exported[figure_sha]["figures"][index]["students"] == 250
    assert server.stop() == 0


def export_corrected(out: Path) -> dict[str, dict]:
    """``extractor export OUT_DIR --format jsonl --corrected``: the corrected records by document."""
    target = out.parent / "export.jsonl"
    command = [sys.executable, "-m", "extractor", "export", str(out), "--format", "jsonl", "--corrected"]
    done = subprocess.run([*command, "-o", str(target)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    exported = [line.get("record", line) for line in lines]
    return {record["source"]["sha256"]: record for record in exported}


def test_two_reviewers_on_one_item(server: ReviewServer, out: Path) -> None:
    sha = records(out)[SCAN]["source"]["sha256"]
    url = f"{server.url.rstrip('/')}/documents/{sha}/item?path=document.subject"
    with chromium() as browser:
        first, second = browser.new_context().new_page(), browser.new_context().new_page()
        first.goto(url)
        second.goto(url)
        first.keyboard.press("a")
        first.wait_for_selector("text=Saved:")
        second.keyboard.press("e")
        second.keyboard.type("Thông báo kết quả")
        with second.expect_response(lambda response: response.request.method == "POST") as response:
            second.keyboard.press("Enter")
        assert response.value.status == 409
        alert = second.locator("[role=alert]").inner_text()
        assert "document.subject was changed by Nguyễn Thị Lan" in alert and "not saved" in alert
        assert second.locator("input[name=part_value]").input_value() == "Thông báo kết quả"
    assert trail(out, sha) == [("document.subject", "accepted", None)]
    assert server.stop() == 0
