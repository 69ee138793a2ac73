"""Errors the tool reports to users, each mapped to a distinct exit code.

Every failure a user can cause (a bad file, a broken pattern file, a missing OCR engine)
is raised as an ``ExtractorError`` subclass; the CLI prints its one-line message and exits
with its code. Anything else is a bug and exits with ``ExitCode.INTERNAL``.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2
    FILE_NOT_FOUND = 3
    NOT_A_PDF = 4
    EMPTY_FILE = 5
    DAMAGED_PDF = 6
    ENCRYPTED_PDF = 7
    NO_PAGES = 8
    UNREADABLE = 9
    OCR_FAILED = 10
    PATTERN_ERROR = 11
    PAGE_TOO_LARGE = 12
    NO_STORE = 13
    UNSAFE_SERVER = 14
    SERVER_FAILED = 15
    TOO_MANY_PAGES = 16
    INTERNAL = 70
    BROKEN_PIPE = 141
    """128 + SIGPIPE, what a shell reports for a tool whose reader closed the pipe."""


class ExtractorError(Exception):
    """A failure with a user-facing message and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL
    reason: str = "internal"

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


class InputFileNotFound(ExtractorError):
    exit_code = ExitCode.FILE_NOT_FOUND
    reason = "not_found"


class NotAPdf(ExtractorError):
    exit_code = ExitCode.NOT_A_PDF
    reason = "not_a_pdf"


class EmptyFile(ExtractorError):
    exit_code = ExitCode.EMPTY_FILE
    reason = "empty_file"


class DamagedPdf(ExtractorError):
    exit_code = ExitCode.DAMAGED_PDF
    reason = "damaged_pdf"


class EncryptedPdf(ExtractorError):
    exit_code = ExitCode.ENCRYPTED_PDF
    reason = "encrypted_pdf"


class NoPages(ExtractorError):
    exit_code = ExitCode.NO_PAGES
    reason = "no_pages"


class TooManyPages(ExtractorError):
    """More pages than the caller takes (``IngestOptions.max_pages``: the HTTP API's limit)."""

    exit_code = ExitCode.TOO_MANY_PAGES
    reason = "too_many_pages"


class UnreadableFile(ExtractorError):
    exit_code = ExitCode.UNREADABLE
    reason = "unreadable"


class OcrFailed(ExtractorError):
    exit_code = ExitCode.OCR_FAILED
    reason = "ocr_failed"


class OcrTimeout(ExtractorError):
    exit_code = ExitCode.OCR_FAILED
    reason = "page_timeout"


class PageTooLarge(ExtractorError):
    exit_code = ExitCode.PAGE_TOO_LARGE
    reason = "page_too_large"


class NoStore(ExtractorError):
    """The folder given is not the output of a batch (it has no ``store.sqlite``)."""

    exit_code = ExitCode.NO_STORE
    reason = "no_store"


class UnsafeServer(ExtractorError):
    """A server asked to listen beyond this machine without a token."""

    exit_code = ExitCode.UNSAFE_SERVER
    reason = "unsafe_server"


class ServerFailed(ExtractorError):
    """A server could not start (the port is taken, the address does not exist)."""

    exit_code = ExitCode.SERVER_FAILED
    reason = "server_failed"


class PatternError(ValueError):
    """A pattern or gazetteer file is malformed; message names file and entry."""

    exit_code = ExitCode.PATTERN_ERROR
    reason = "pattern_error"
