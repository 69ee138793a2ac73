"""The review web app: server-rendered pages over a batch's store, a little JavaScript, no build.

Pages: the queue (``/``), an item (``/documents/{id}/item?path=…``), a document with its page
images and every field's box (``/documents/{id}``), its figures and failed consistency checks
(``/documents/{id}/figures``). JSON: ``/api/documents/{id}/record[?corrected=true]``,
``/api/documents/{id}/corrections`` and ``POST /api/documents/{id}/items``.

Safety: document ids are sha256 hex (validated by the route), pages are integers, files are
found through the store, never from text in a request; every page is rendered by Jinja2 with
autoescaping; state changes are POSTs carrying the CSRF token of ``extractor.web.Guard``; the
responses forbid inline scripts, framing and sending the address (it may hold the token) to
other sites.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from extractor.corrections import Conflict, InvalidCorrection, exists, parse_path
from extractor.review.images import PageImages, PageUnavailable
from extractor.review.queries import (
    Document,
    Filters,
    QueueItem,
    ReviewData,
    kind_of,
    label_of,
    source_of,
    summary,
)
from extractor.store import DOCUMENT_ID
from extractor.web import ASGIApp, Guard

DocumentIdPath = Annotated[str, PathParameter(pattern=DOCUMENT_ID)]
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self';"
        " form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
QUEUE_PAGE = 100
"""Queue rows per page: the worst first; filters narrow the rest down."""
STATUS_NAMES = {"auto": "to check", "accepted": "accepted", "corrected": "corrected", "rejected": "not in document"}


def create_app(out_dir: Path, guard: Guard, reviewer: str, archive: Path | None = None) -> ASGIApp:
    """The review app over ``out_dir`` (``NoStore`` when it is not a batch output), guarded."""
    data = ReviewData(out_dir, archive)
    images = PageImages(out_dir)
    pages = Pages(guard)
    app = FastAPI(title="extractor review", docs_url=None, redoc_url=None, openapi_url=None)
    package = resources.files("extractor.review")
    app.mount("/static", StaticFiles(directory=str(package.joinpath("static"))), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/", response_class=HTMLResponse)
    def queue_page(
        document: str = "", kind: str = "", reason: str = "", view: str = "left", saved: str = "", page: int = 1
    ) -> str:
        known = data.documents()
        filters = Filters(document if document in known else "", kind, reason, view)
        queue = data.queue(filters)
        pages_count = max(1, -(-len(queue.items) // QUEUE_PAGE))
        page = min(max(page, 1), pages_count)
        rows = [
            {
                "item": item,
                "label": label_of(item.path),
                "value": summary(known[item.document].record, item.path),
                "decided": queue.is_decided(item),
                "status": queue.status(item),
                "href": item_href(item, filters),
            }
            for item in queue.items[(page - 1) * QUEUE_PAGE : page * QUEUE_PAGE]
        ]
        links = {
            name: "/?" + urlencode({**filters.query(), "page": number})
            for name, number in (("previous", page - 1), ("next", page + 1))
            if 1 <= number <= pages_count
        }
        documents = [(sha, found.file) for sha, found in known.items()]
        return pages.render(
            "queue.html", queue=queue, rows=rows, filters=filters, documents=documents, saved=saved,
            page=page, pages_count=pages_count, links=links, first=(page - 1) * QUEUE_PAGE,
        )  # fmt: skip

    @app.get("/documents", response_class=HTMLResponse)
    def documents_page() -> str:
        queue = data.queue(Filters(view="all"))
        left: dict[str, int] = {}
        for item in queue.items:
            left[item.document] = left.get(item.document, 0) + (not queue.is_decided(item))
        rows = [
            {
                "document": document,
                "number": summary(document.record, "document.number"),
                "date": summary(document.record, "document.date"),
                "left": left.get(sha256, 0),
            }
            for sha256, document in data.documents().items()
        ]
        return pages.render("documents.html", rows=rows)

    @app.get("/documents/{sha256}/item", response_class=HTMLResponse)
    def item_page(sha256: DocumentIdPath, path: str, reason: str = "", document: str = "", kind: str = "",
                  filter_reason: str = "", view: str = "left", saved: str = "") -> Response:  # fmt: skip
        found = the_document(data, sha256)
        check_path(found, path)
        filters = Filters(document, kind, filter_reason, view)
        return item_response(data, pages, found, data.queue_item(found, path, reason), filters, saved=saved)

    @app.post("/documents/{sha256}/item", response_class=HTMLResponse)
    async def decide_page(sha256: DocumentIdPath, request: Request) -> Response:
        form = await request.form()
        if not guard.csrf_ok(str(form.get("csrf_token") or "")):
            return pages.error(403, "This form has expired or came from another site: reload the page and try again.")
        found = the_document(data, sha256)
        path = str(form.get("path") or "")
        check_path(found, path)
        filters = Filters(*(str(form.get(name) or "") for name in ("document", "kind", "filter_reason")),
                          str(form.get("view") or "left"))  # fmt: skip
        current = data.queue_item(found, path, str(form.get("reason") or ""))
        typed = {key[len("part_") :]: str(value) for key, value in form.items() if key.startswith("part_")}
        try:
            version = int(str(form.get("version") or "x"))
            data.decide(found, path, version, str(form.get("action") or "correct"), typed,
                        form.get("new_school") == "on", reviewer)  # fmt: skip
        except ValueError as exc:  # InvalidCorrection, or a version that is not a number
            return item_response(data, pages, found, current, filters, error=str(exc), typed=typed, status=422)
        except Conflict as exc:
            return item_response(data, pages, found, current, filters, error=str(exc), typed=typed, status=409)
        _, following = data.neighbours(filters, current)
        target = item_href(following, filters) if following else "/?" + urlencode(filters.query())
        separator = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{separator}{urlencode({'saved': label_of(path)})}", status_code=303)

    @app.get("/documents/{sha256}", response_class=HTMLResponse)
    def document_page(sha256: DocumentIdPath) -> str:
        found = the_document(data, sha256)
        effective, statuses = data.corrections.effective(found.record)
        pdf = data.pdf(found)
        problem, sizes = None, []
        try:
            sizes = images.page_sizes(pdf) if pdf else []
            problem = None if pdf else "the archive this batch read is unknown (start review with --archive DIR)"
        except PageUnavailable as exc:
            problem = str(exc)
        boxes: dict[int, list[dict[str, Any]]] = {}
        for path, label, page, bbox in data.boxes(found):
            if page <= len(sizes):
                width, height = sizes[page - 1]
                boxes.setdefault(page, []).append(
                    {
                        "href": field_href(sha256, path, Filters()),
                        "label": label,
                        "status": statuses.get(path, "auto"),
                        "style": box_style(bbox, width, height),
                    }
                )
        fields = [(path, label_of(path), summary(effective, path), statuses[path]) for path in statuses]
        return pages.render(
            "document.html", document=found, sizes=sizes, boxes=boxes, problem=problem, fields=fields,
            item_href=lambda path: field_href(sha256, path, Filters()),
        )  # fmt: skip

    @app.get("/documents/{sha256}/figures", response_class=HTMLResponse)
    def figures_page(sha256: DocumentIdPath) -> str:
        found = the_document(data, sha256)
        effective, statuses = data.corrections.effective(found.record)
        failures = [*data.current_failures(found), *found.archive_failures]
        failing = {path for failure in failures for path in failure.figures}
        rows = [
            {
                "path": f"figures[{index}]",
                "figure": figure,
                "status": statuses[f"figures[{index}]"],
                "failing": f"figures[{index}]" in failing,
                "href": field_href(sha256, f"figures[{index}]", Filters()),
            }
            for index, figure in enumerate(effective["figures"])
        ]
        return pages.render("figures.html", document=found, rows=rows, failures=failures)

    @app.get("/documents/{sha256}/pages/{page}.png")
    def page_image(sha256: DocumentIdPath, page: int) -> Response:
        found = the_document(data, sha256)
        pdf = data.pdf(found)
        if pdf is None:
            return pages.error(404, "the archive this batch read is unknown")
        try:
            return FileResponse(images.page_png(pdf, sha256, page), media_type="image/png")
        except PageUnavailable as exc:
            return pages.error(404, str(exc))

    @app.get("/documents/{sha256}/crop.png")
    def crop_image(sha256: DocumentIdPath, path: str) -> Response:
        found = the_document(data, sha256)
        check_path(found, path)
        source, pdf = source_of(found.record, path), data.pdf(found)
        if not source or not source.get("page") or not source.get("bbox") or pdf is None:
            return pages.error(404, "this item has no place on a page")
        try:
            png = images.crop_png(pdf, sha256, source["page"], tuple(source["bbox"]))
        except PageUnavailable as exc:
            return pages.error(404, str(exc))
        return Response(png, media_type="image/png")

    @app.get("/api/documents/{sha256}/record")
    def record_json(sha256: DocumentIdPath, corrected: bool = False) -> JSONResponse:
        found = the_document(data, sha256)
        return JSONResponse(data.corrections.apply(found.record) if corrected else found.record)

    @app.get("/api/documents/{sha256}/corrections")
    def corrections_json(sha256: DocumentIdPath) -> JSONResponse:
        found = the_document(data, sha256)
        entries = [entry.__dict__ for entry in data.corrections.entries(found.sha256)]
        return JSONResponse({"versions": data.corrections.versions(found.sha256), "corrections": entries})

    @app.post("/api/documents/{sha256}/items")
    async def decide_json(sha256: DocumentIdPath, request: Request) -> JSONResponse:
        if not guard.csrf_ok(request.headers.get("x-csrf-token")):
            return JSONResponse({"error": "missing or wrong X-CSRF-Token"}, status_code=403)
        found = the_document(data, sha256)
        try:
            body = json.loads(await request.body())
            path, version, action = str(body["path"]), int(body["version"]), str(body["action"])
            check_path(found, path)
            values = {str(key): str(value) for key, value in (body.get("values") or {}).items()}
            new_version = data.decide(found, path, version, action, values, bool(body.get("new_school")), reviewer)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        except Conflict as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse({"path": path, "version": new_version})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return pages.error(404, str(exc))

    return guard.wrap(app)


class NotFound(Exception):
    """A document or item the store does not have."""


def the_document(data: ReviewData, sha256: str) -> Document:
    found = data.document(sha256)
    if found is None:
        raise NotFound("no such document in this batch")
    return found


def check_path(document: Document, path: str) -> None:
    try:
        target = parse_path(path)
    except InvalidCorrection:
        raise NotFound("no such field") from None
    if target.part is not None or not exists(document.record, path):
        raise NotFound("no such field")


def item_href(item: QueueItem, filters: Filters) -> str:
    return field_href(item.document, item.path, filters, item.reason)


def field_href(document: str, path: str, filters: Filters, reason: str = "") -> str:
    """The item page of ``path``: opened from the queue for ``reason``, or from a page without one."""
    query = {"path": path, **({"reason": reason} if reason else {})}
    query |= {("filter_reason" if name == "reason" else name): value for name, value in filters.query().items()}
    return f"/documents/{document}/item?{urlencode(query)}"


def box_style(bbox: list[float], width: float, height: float) -> str:
    """CSS placing a box over a page image, in percent of the page (the image scales freely)."""
    x0, top, x1, bottom = bbox
    return (
        f"left:{100 * x0 / width:.3f}%;top:{100 * top / height:.3f}%;"
        f"width:{100 * (x1 - x0) / width:.3f}%;height:{100 * (bottom - top) / height:.3f}%"
    )


def item_response(
    data: ReviewData, pages: Pages, document: Document, item: QueueItem, filters: Filters,
    error: str | None = None, typed: dict[str, str] | None = None, status: int = 200, saved: str = "",
) -> Response:  # fmt: skip
    effective, statuses = data.corrections.effective(document.record)
    previous, following = data.neighbours(filters, item)
    parts = data.parts(effective, item.path)
    context = [
        (label_of(path), summary(effective, path), statuses[path], path)
        for path in statuses
        if path != item.path and parse_path(path).section == "document"
    ]
    body = pages.render(
        "item.html", document=document, item=item, label=label_of(item.path), kind=kind_of(item.path),
        value=summary(document.record, item.path), current=summary(effective, item.path),
        source=source_of(document.record, item.path),
        status=statuses.get(item.path, "auto"), version=data.corrections.version(document.sha256, item.path),
        parts=parts, figure_kinds=data.validator.figure_kinds, typed=typed or {}, error=error, saved=saved,
        filters=filters, context=context,
        history=data.corrections.entries(document.sha256, item.path),
        previous=item_href(previous, filters) if previous else None,
        following=item_href(following, filters) if following else None,
        queue_href="/?" + urlencode(filters.query()),
        has_pdf=data.pdf(document) is not None,
        item_href=lambda path: field_href(document.sha256, path, filters),
    )  # fmt: skip
    return HTMLResponse(body, status_code=status)


class Pages:
    """Jinja2 templates of the package, autoescaped (OCR text can hold ``<script>``)."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.environment = jinja2.Environment(
            loader=jinja2.PackageLoader("extractor.review", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.globals.update(status_names=STATUS_NAMES, label_of=label_of)

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(csrf_token=self.guard.csrf_token, **context)

    def error(self, status: int, message: str) -> HTMLResponse:
        return HTMLResponse(self.render("error.html", status=status, message=message), status_code=status)
