"""The HTTP API (``extractor serve``): extraction of uploaded PDFs and a batch's records for other systems.

- ``POST /v1/extract``: a PDF as ``multipart/form-data`` (part ``file``) or as the raw body
  (``application/pdf``) → its record. The upload goes to a temporary folder that is always
  removed; one long-lived ``Extractor`` serves every request, one extraction at a time (pdfium
  and Tesseract are not thread-safe), in a worker thread so the server keeps answering.
- ``GET /v1/documents``, ``/v1/documents/{id}``, ``/v1/figures``: a batch's store, each document
  once (id = ``source.sha256``) with reviewers' corrections applied; reloaded when the store
  changes (a running batch, a review).
- Errors are JSON, ``{"error": reason, "message": text}``, with the reasons of
  ``extractor.errors`` (``not_a_pdf``, ``damaged_pdf``, …) plus ``too_large``,
  ``too_many_pages``, ``unsupported_media_type``, ``invalid_request``, ``not_found``.
- ``/docs`` lists the operations from the OpenAPI description (``/openapi.json``) in plain HTML
  rendered here, so it works without network access (FastAPI's default page loads Swagger UI
  from a CDN).
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Annotated, Any, BinaryIO

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from extractor import __version__
from extractor.errors import ExtractorError, PatternError
from extractor.export import Exported, corrector, exported_documents
from extractor.extract import ExtractOptions, Extractor
from extractor.store import DOCUMENT_ID, STORE_NAME, open_store

ISO_DATE = r"^\d{4}-\d{2}(-\d{2})?$"
MULTIPART_ALLOWANCE = 64 * 1024
"""Bytes a multipart envelope may add to the PDF it carries."""
PDF_TYPES = ("application/pdf", "application/octet-stream")
SERVER_SIDE = ("ocr_failed", "page_timeout", "resource_limit", "internal", "pattern_error")
"""Reasons that are the server's fault (500), not the upload's (422)."""


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 50 * 1024 * 1024
    max_pages: int = 200


class ApiError(Exception):
    """An error answered as ``{"error": reason, "message": message}`` with ``status``."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def json_body(data: dict[str, Any]) -> Response:
    """A record as JSON, serialised once (FastAPI would walk it with ``jsonable_encoder`` first)."""
    return Response(json.dumps(data, ensure_ascii=False).encode(), media_type="application/json")


def error_response(status: int, reason: str, message: str) -> JSONResponse:
    return JSONResponse({"error": reason, "message": message}, status_code=status)


# -- extraction ----------------------------------------------------------------------------


class Extraction:
    """One ``Extractor`` for the server's life; extractions run one at a time in a worker thread."""

    def __init__(self, options: ExtractOptions, limits: Limits) -> None:
        ingest = dataclasses.replace(options.ingest, max_pages=limits.max_pages)
        self.extractor = Extractor(dataclasses.replace(options, ingest=ingest))
        self.limits = limits
        self.lock = threading.Lock()

    async def upload(self, request: Request) -> dict[str, Any]:
        """The record of the PDF in ``request``; ``ApiError`` for an upload that cannot be one."""
        limit = self.limits.max_upload_bytes
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        multipart = content_type == "multipart/form-data"
        if not multipart and content_type not in PDF_TYPES:
            raise ApiError(415, "unsupported_media_type", "send the PDF as multipart/form-data or application/pdf")
        declared = request.headers.get("content-length", "")
        allowance = limit + (MULTIPART_ALLOWANCE if multipart else 0)
        if declared.isdigit() and int(declared) > allowance:
            raise too_large(limit)
        folder = Path(tempfile.mkdtemp(prefix="extractor-upload-"))
        try:
            pdf = folder / "upload.pdf"
            stream = limited(request.stream(), allowance, limit)
            name = await (save_part(request, stream, pdf) if multipart else save_body(stream, pdf))
            if pdf.stat().st_size > limit:
                raise too_large(limit)
            record = await run_in_threadpool(self.extract, pdf, name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return record

    def extract(self, pdf: Path, name: str) -> dict[str, Any]:
        with self.lock:
            try:
                record = self.extractor.extract(pdf).data
            except (ExtractorError, PatternError) as exc:
                message = getattr(exc, "message", str(exc))
                status = 500 if exc.reason in SERVER_SIDE else 422
                raise ApiError(status, exc.reason, f"{name}: {message}") from None
        record["source"]["file"] = name
        return record


def too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the upload is larger than this server's limit of {limit / 2**20:g} MB")


async def limited(chunks: AsyncIterator[bytes], allowance: int, limit: int) -> AsyncIterator[bytes]:
    """The body's chunks, stopping with ``too_large`` once more than ``allowance`` bytes came."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > allowance:
            raise too_large(limit)
        yield chunk


async def save_body(stream: AsyncIterator[bytes], pdf: Path) -> str:
    with pdf.open("wb") as out:
        async for chunk in stream:
            out.write(chunk)
    return "upload.pdf"


async def save_part(request: Request, stream: AsyncIterator[bytes], pdf: Path) -> str:
    """The ``file`` part of a multipart body, written to ``pdf`` as it arrives.

    Parsed here rather than with ``request.form()``, which spools every file to a temporary
    file of its own that would then be copied to ``pdf``: the upload would be written twice.
    """
    _, options = parse_options_header(request.headers.get("content-type"))
    if not options.get(b"boundary"):
        raise ApiError(400, "invalid_request", "the multipart body has no boundary")
    with pdf.open("wb") as out:
        part = FilePart(out)
        parser = MultipartParser(options[b"boundary"], {name: getattr(part, name) for name in FilePart.CALLBACKS})
        try:
            async for chunk in stream:
                parser.write(chunk)
            parser.finalize()
        except MultipartParseError as exc:
            raise ApiError(400, "invalid_request", f"the multipart body is malformed: {exc}") from None
    if part.filename is None:
        raise ApiError(422, "invalid_request", "the multipart body has no file part named 'file'")
    return client_name(part.filename)


class FilePart:
    """Callbacks of ``MultipartParser`` that write the first file part named ``file`` to ``out``."""

    CALLBACKS = ("on_header_field", "on_header_value", "on_header_end", "on_headers_finished", "on_part_data")

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.filename: str | None = None
        """The client's name for the file, once its part began."""
        self.writing = False
        self.header = self.value = self.disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        if self.header.lower() == b"content-disposition":
            self.disposition = self.value
        self.header = self.value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.disposition = b""
        self.writing = self.filename is None and options.get(b"name") == b"file" and b"filename" in options
        if self.writing:
            self.filename = options[b"filename"].decode("utf-8", "replace")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.writing:
            self.out.write(data[start:end])


def client_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder (it becomes ``source.file``)."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable())
    return name or "upload.pdf"


# -- the store -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A document in ``GET /v1/documents``."""

    id: str
    paths: tuple[str, ...]
    number: str | None
    type: str | None
    issuer: str | None
    date: str | None
    pages: int
    review_count: int

    @classmethod
    def of(cls, doc: Exported) -> Summary:
        fields = doc.record["document"]
        value = {key: (fields[key] or {}).get("value") for key in ("number", "type", "issuer", "date")}
        pages, review = doc.record["source"]["pages"], len(doc.record["review"])
        return cls(doc.id, doc.paths, **value, pages=pages, review_count=review)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "paths": list(self.paths)}


@dataclass(frozen=True)
class Snapshot:
    """What the store held when last read: summaries and flattened figures (corrected)."""

    documents: tuple[Summary, ...] = ()
    figures: tuple[dict[str, Any], ...] = ()
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per document id, the extractor version and patterns hash its record is stored under."""


class Library:
    """The documents of a batch's output folder, read again whenever its store changes.

    SQLite connections belong to the thread that opened them, so each read opens its own.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.lock = threading.Lock()
        self.seen: tuple[tuple[int, int], ...] | None = None
        self.current = Snapshot()

    def stamp(self) -> tuple[tuple[int, int], ...]:
        """Size and time of the store and its write-ahead log: any commit changes one of them."""
        files = (self.out_dir / STORE_NAME, self.out_dir / f"{STORE_NAME}-wal")
        return tuple((s.st_size, s.st_mtime_ns) for s in (os.stat(f) if f.exists() else None for f in files) if s)

    def snapshot(self) -> Snapshot:
        with self.lock:
            stamp = self.stamp()
            if stamp != self.seen:
                self.current = self.load()
                self.seen = stamp
            return self.current

    def load(self) -> Snapshot:
        documents: list[Summary] = []
        figures: list[dict[str, Any]] = []
        store = open_store(self.out_dir)
        try:
            states = store.file_states()
            for doc in exported_documents(store, corrected=True):
                documents.append(Summary.of(doc))
                statuses = doc.record.get("review_status", {})
                for ordinal, figure in enumerate(doc.record["figures"]):
                    status = statuses.get(f"figures[{ordinal}]")
                    figures.append({"document_id": doc.id, "ordinal": ordinal, **figure, "status": status})
        finally:
            store.close()
        keys = {d.id: (states[d.paths[0]].version, states[d.paths[0]].patterns) for d in documents}
        return Snapshot(tuple(documents), tuple(figures), keys)

    def record(self, document_id: str, corrected: bool) -> dict[str, Any] | None:
        key = self.snapshot().keys.get(document_id)
        if key is None:
            return None
        store = open_store(self.out_dir)
        try:
            record = store.document(document_id, *key)
            return corrector(store)(record) if corrected and record is not None else record
        finally:
            store.close()


# -- the application -----------------------------------------------------------------------


def folded(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


def contains(haystack: str | None, needle: str | None) -> bool:
    return needle is None or folded(needle) in folded(haystack)


def page_of(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"total": len(items), "offset": offset, "limit": limit, "items": items[offset : offset + limit]}


Offset = Annotated[int, Query(ge=0, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
DocumentId = Annotated[str, PathParam(pattern=DOCUMENT_ID, description="the document's id: its sha256, 64 hex digits")]
DateQuery = Annotated[str | None, Query(pattern=ISO_DATE, description="YYYY-MM-DD or YYYY-MM")]
ERRORS = {
    code: {"description": text, "content": {"application/json": {"example": {"error": reason, "message": "…"}}}}
    for code, reason, text in (
        (404, "not_found", "no such document"),
        (413, "too_large", "the upload exceeds --max-upload-mb"),
        (415, "unsupported_media_type", "neither multipart/form-data nor application/pdf"),
        (422, "not_a_pdf", "not a PDF, damaged, encrypted, without pages, too many pages, or a bad parameter"),
        (500, "ocr_failed", "the server could not read the document"),
    )
}

RECORD = {200: {"description": "the record (its JSON Schema: GET /v1/schema)", "content": {"application/json": {}}}}


def create_app(out_dir: Path | None, options: ExtractOptions, limits: Limits) -> FastAPI:
    """The API; the store endpoints exist only when ``out_dir`` is a batch's output folder."""
    app = FastAPI(
        title="vn-report-extractor",
        version=__version__,
        description="Vietnamese administrative report PDFs → confidence-scored JSON records.",
        docs_url=None,
        redoc_url=None,
    )
    add_error_handlers(app)
    extraction = Extraction(options, limits)
    library = Library(out_dir) if out_dir is not None else None

    @app.get("/v1/health", summary="Is the server up; what it serves")
    def health() -> dict[str, Any]:
        store = library is not None
        documents = len(library.snapshot().documents) if library else None
        return {"status": "ok", "version": __version__, "store": store, "documents": documents}

    @app.get("/v1/schema", summary="The JSON Schema (2020-12) of a record")
    def record_schema() -> dict[str, Any]:
        from extractor.record import schema

        return schema()

    @app.post(
        "/v1/extract",
        summary="Extract an uploaded PDF",
        description=(
            f"The PDF as multipart/form-data (part `file`) or as the raw body (application/pdf). At most "
            f"{limits.max_upload_bytes / 2**20:g} MB and {limits.max_pages} pages. Returns the record "
            "(`source.file` is the uploaded file's name)."
        ),
        responses={**RECORD, **{k: v for k, v in ERRORS.items() if k != 404}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    },
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        },
    )
    async def extract(request: Request) -> Response:
        return json_body(await extraction.upload(request))

    if library is not None:
        library.snapshot()  # read the store now, not on the first request
        add_store_routes(app, library)
    app.add_api_route("/docs", lambda: HTMLResponse(docs_page(app.openapi())), include_in_schema=False)
    return app


def add_store_routes(app: FastAPI, library: Library) -> None:
    @app.get("/v1/documents", summary="The batch's documents, each once, filtered and paginated")
    def documents(
        issuer: Annotated[str | None, Query(description="part of the issuer's name, any case")] = None,
        type: Annotated[str | None, Query(description="the document type, e.g. Báo cáo (any case)")] = None,
        date_from: DateQuery = None,
        date_to: DateQuery = None,
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> dict[str, Any]:
        found = [
            summary.to_json()
            for summary in library.snapshot().documents
            if contains(summary.issuer, issuer)
            and (type is None or folded(summary.type) == folded(type))
            and (date_from is None or (summary.date or "") >= date_from)
            and (date_to is None or (summary.date or "9999") <= date_to)
        ]
        return page_of(found, offset, limit)

    @app.get(
        "/v1/documents/{document_id}",
        summary="One document's record",
        description="With reviewers' corrections applied and `review_status` (`corrected=false`: as extracted).",
        responses={**RECORD, 404: ERRORS[404]},
    )
    def document(document_id: DocumentId, corrected: bool = True) -> Response:
        record = library.record(document_id, corrected)
        if record is None:
            raise ApiError(404, "not_found", f"no document {document_id} in this batch")
        return json_body(record)

    @app.get("/v1/figures", summary="Every figure of the batch, flattened, with its document's id (corrected)")
    def figures(
        school: Annotated[str | None, Query(description="part of the school's canonical name, any case")] = None,
        period: Annotated[str | None, Query(description="exactly: 2021, 2021-H1, 2021-Q3, 2020-2021")] = None,
        kind: Annotated[str | None, Query(pattern="^(result|plan|carried_over)$")] = None,
        document: Annotated[str | None, Query(pattern=DOCUMENT_ID, description="only this document's")] = None,
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> dict[str, Any]:
        found = [
            figure
            for figure in library.snapshot().figures
            if contains(figure["school"], school)
            and (school is None or figure["school"] is not None)
            and (period is None or figure["period"] == period)
            and (kind is None or figure["kind"] == kind)
            and (document is None or figure["document_id"] == document)
        ]
        return page_of(found, offset, limit)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.reason, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return error_response(422, "invalid_request", problems)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        reason = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
        return error_response(exc.status_code, reason, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal", f"internal error: {type(exc).__name__} (a bug: please report it)")


# -- /docs without a CDN -------------------------------------------------------------------


def docs_page(spec: dict[str, Any]) -> str:
    """The operations of ``spec`` as one self-contained HTML page (no script, no network)."""
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        f"<title>{html.escape(spec['info']['title'])} API</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "code{background:#f3f3f3;padding:0 .2em}h2{border-top:1px solid #ccc;padding-top:1rem}"
        "td,th{text-align:left;padding:.1rem .6rem .1rem 0;vertical-align:top}</style>",
        f"<h1>{html.escape(spec['info']['title'])} {html.escape(spec['info']['version'])}</h1>",
        f"<p>{html.escape(spec['info'].get('description', ''))} Machine-readable: "
        "<a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1). Errors are "
        '<code>{"error": reason, "message": text}</code>.</p>',
    ]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            parts.append(operation_html(method, path, operation))
    return "\n".join(parts) + "\n</html>\n"


def operation_html(method: str, path: str, operation: dict[str, Any]) -> str:
    rows = [
        f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{p['in']}</td>"
        f"<td>{'required' if p.get('required') else ''}</td>"
        f"<td>{html.escape(p.get('description') or p.get('schema', {}).get('description', ''))}</td></tr>"
        for p in operation.get("parameters", [])
    ]
    body = operation.get("requestBody", {}).get("content", {})
    responses = ", ".join(
        f"{code} {html.escape(r.get('description', ''))}" for code, r in operation["responses"].items()
    )
    return "".join(
        [
            f"<h2><code>{method.upper()} {html.escape(path)}</code></h2>",
            f"<p>{html.escape(operation.get('summary', ''))}. {html.escape(operation.get('description', ''))}</p>",
            f"<table><tr><th>parameter</th><th>in</th><th></th><th></th></tr>{''.join(rows)}</table>" if rows else "",
            f"<p>Body: {', '.join(f'<code>{html.escape(t)}</code>' for t in body)}</p>" if body else "",
            f"<p>Responses: {responses}</p>",
        ]
    )
