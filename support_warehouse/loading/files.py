"""Landing files: discovery, content hashing, blank lines, text heads and the CSV dialect.

Landing layout: ``<landing>/<entity>/<file>`` (``<landing>/<system>/<table>/`` for a connector
table); sub-folders are searched too, and a file or folder whose name starts with ``_`` or ``.`` is
ignored. Both engines see the same files, in the same order, with the same names in messages.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..contract import LANDING_TABLES
from ..landing import classify_suffix
from .errors import LoadError, Unreadable

log = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class LandingFile:
    path: Path
    rel: str  # relative to the landing dir, posix
    display: str  # landing dir name + rel, for messages
    fmt: str
    compression: str | None
    size: int
    mtime_ns: int
    sha256: str | None = None
    blank_lines: list[int] | None = None  # physical blank lines (CSV only, filled when hashed)
    # Plain CSV, filled by scan(): (physical line count, has a lone \r line break).
    line_stats: tuple[int, bool] | None = None
    scan_job: ScanJob | None = None  # scan() running in the background while the engine reads the file


def unreadable(entity: str, f: LandingFile, what: str) -> LoadError:
    """The LoadError both engines raise for a file they cannot read; `what` says why."""
    return LoadError(f"{entity}: {f.display} is unreadable: {what}", entity, f.rel)


def incomplete_gzip(entity: str, f: LandingFile, e: BaseException) -> LoadError:
    return unreadable(entity, f, f"it is not a complete gzip file ({e})")


def landing_folder(entity: str) -> str:
    """Landing folder of a raw table: the entity's name, or <system>/<table> for a connector table."""
    return LANDING_TABLES[entity].landing_folder if entity in LANDING_TABLES else entity


def entity_files(landing_dir: Path, entity: str) -> list[LandingFile]:
    """The entity's landing files, sorted by path relative to the landing dir."""
    root = Path(landing_dir) / landing_folder(entity)
    if not root.is_dir():
        return []
    found: list[LandingFile] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
        for fname in filenames:
            if fname.startswith(("_", ".")):
                continue
            kind = classify_suffix(fname)
            if kind is None:
                continue
            p = Path(dirpath) / fname
            try:
                st = p.stat()
            except OSError:  # vanished while listing
                continue
            rel = p.relative_to(landing_dir).as_posix()
            found.append(
                LandingFile(
                    path=p,
                    rel=rel,
                    display=f"{Path(landing_dir).name}/{rel}",
                    fmt=kind[0],
                    compression=kind[1],
                    size=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                )
            )
    found.sort(key=lambda f: f.rel)
    return found


def folder_bytes(folder: Path) -> int:
    try:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    except OSError:  # no such folder: nothing to load
        return 0


# ------------------------------------------------------------------------------ hashing, lines


def digest(f: LandingFile, want_blank_lines: bool) -> None:
    """sha256 of the file's bytes; for plain CSV also the physical line numbers of blank lines."""
    h = hashlib.sha256()
    blanks: list[int] | None = [] if (want_blank_lines and f.fmt == "csv" and not f.compression) else None
    newlines = 0
    prev_tail = b""
    with open(f.path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            if blanks is not None:
                newlines = blank_lines_in_chunk(prev_tail, chunk, newlines, blanks)
                prev_tail = chunk[-2:]
    f.sha256 = h.hexdigest()
    if blanks is not None:
        f.blank_lines = blanks


def scan(f: LandingFile) -> None:
    """sha256 of the file's bytes; for plain CSV also its physical line count and whether it has a
    lone \\r (a line break DuckDB honours but the blank-line scan does not). One pass, no per-line
    Python work: hashlib releases the GIL on big buffers and bytes.count is a C loop, so this runs
    alongside the engine's read of the same file (see ScanJob)."""
    h = hashlib.sha256()
    count = f.fmt == "csv" and not f.compression
    newlines = crs = crlfs = 0
    last = b""
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(f.path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
            if count:
                data = buf if n == len(buf) else bytes(view[:n])
                newlines += data.count(b"\n")
                c = data.count(b"\r")
                if c or crs:
                    crlfs += data.count(b"\r\n") + (last == b"\r" and data[:1] == b"\n")
                crs += c
                last = bytes(data[-1:])
    view.release()
    f.sha256 = h.hexdigest()
    if count:
        lines = newlines + (1 if last not in (b"", b"\n") else 0)
        f.line_stats = (lines, crs != crlfs)


class ScanJob(threading.Thread):
    """scan(f) in a thread: hashing overlaps the engine's read (which releases the GIL)."""

    def __init__(self, f: LandingFile) -> None:
        super().__init__(name=f"sw-scan-{f.rel}", daemon=True)
        self.f = f
        self.error: BaseException | None = None
        f.scan_job = self
        self.start()

    def run(self) -> None:
        try:
            scan(self.f)
        except BaseException as e:  # re-raised in the loading thread by wait()
            self.error = e

    def wait(self) -> None:
        self.join()
        self.f.scan_job = None
        if self.error is not None:
            raise self.error


def wait_scan(f: LandingFile) -> None:
    if f.scan_job is not None:
        f.scan_job.wait()


def join_scan(f: LandingFile | None) -> None:
    """Let a background scan finish after a failed read (its own error is not the one to report)."""
    if f is not None and f.scan_job is not None:
        try:
            f.scan_job.wait()
        except Exception:  # the file's failed record then lacks its hash
            log.debug("scanning %s failed", f.rel, exc_info=True)


def blank_lines_in_chunk(prev_tail: bytes, chunk: bytes, newlines_before: int, out: list[int]) -> int:
    """Append the numbers of blank lines that end in `chunk`; return the running newline count.

    A blank line is a line break directly following a line break (optionally with \\r between).
    Line numbers are 1-based physical lines: the line after the n-th break is line n + 1.
    """
    data = prev_tail + chunk
    offset = len(prev_tail)
    # newline count of data[:offset] is already included in newlines_before.
    base_count = newlines_before - prev_tail.count(b"\n")
    for pattern in (b"\n\n", b"\n\r\n"):
        start = 0
        while (pos := data.find(pattern, start)) != -1:
            end = pos + len(pattern)  # index after the blank line's own break
            if end > offset:  # the blank line's break lies in this chunk (not seen before)
                out.append(base_count + data.count(b"\n", 0, pos + 1) + 1)
            start = pos + 1
    out.sort()
    return newlines_before + chunk.count(b"\n")


def blank_lines(path: Path, gzipped: bool = False) -> list[int]:
    """Physical line numbers (1-based) of the blank lines of a file (of its content when gzipped)."""
    blanks: list[int] = []
    newlines = 0
    prev_tail = b""
    with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
        while chunk := fh.read(CHUNK):
            newlines = blank_lines_in_chunk(prev_tail, chunk, newlines, blanks)
            prev_tail = chunk[-2:]
    return blanks


# ---------------------------------------------------------------------------- heads and dialect


def open_text_head(f: LandingFile, limit: int = 65536) -> bytes:
    try:
        if f.compression == "gzip":
            with gzip.open(f.path, "rb") as fh:
                return fh.read(limit)
        with open(f.path, "rb") as fh:
            return fh.read(limit)
    except PermissionError:
        raise  # the machine's problem, not the file's: never quarantined
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise Unreadable(f"cannot be read ({e})") from e


def encoding_of(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"


def looks_binary(head: bytes) -> bool:
    """NUL bytes in the first line, or more than a few in the first 64 KiB: not a text file."""
    return b"\x00" in head.split(b"\n", 1)[0] or head.count(b"\x00") > max(8, len(head) // 1000)


def is_json_array(f: LandingFile, head: bytes) -> bool:
    """A ``.json`` file holding one array of records (else: JSON lines)."""
    return f.fmt == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def csv_header(f: LandingFile) -> tuple[list[str], str, str] | None:
    """(header names, delimiter, encoding), or None for a 0-byte / blank file.

    RFC 4180 (quote and escape ``"``), header required; the delimiter (``,`` ``;`` tab or ``|``) is
    the one that splits the header line into the most fields."""
    head = open_text_head(f)
    if not head.strip():
        return None
    encoding = encoding_of(head)
    if encoding == "utf-8" and looks_binary(head):
        raise Unreadable("is not a text file (binary content)")
    if encoding == "utf-16":
        first = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").splitlines()[0]
    else:
        raw_first = head.split(b"\n", 1)[0]
        try:
            first = raw_first.decode("utf-8-sig").rstrip("\r")
        except UnicodeDecodeError as e:
            raise Unreadable("is not UTF-8 text: its header line cannot be decoded") from e
    first = first.lstrip("\ufeff")
    if not first.strip():
        raise Unreadable("has no header line (the first line is blank)")
    if sum(1 for ch in first if not ch.isprintable() and ch != "\t") > 0:
        raise Unreadable("is not a text file (control characters in the header line)")
    best: tuple[int, str, list[str]] | None = None
    for d in DELIMITERS:
        fields = next(csv.reader([first], delimiter=d, quotechar='"'))
        if best is None or len(fields) > best[0]:
            best = (len(fields), d, fields)
    assert best is not None
    return best[2], best[1], encoding
