"""What can go wrong while loading, and whose fault it is (the file's or the machine's)."""

from __future__ import annotations

import errno
import gzip

import duckdb


class LoadError(Exception):
    """A file broke the input contract; the entity's load for this run was rolled back."""

    def __init__(
        self, message: str, entity: str, file: str | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.entity = entity
        self.file = file
        self.column = column


class Unreadable(Exception):
    """The file as a whole cannot be read (binary, truncated gzip, no header): it is quarantined.
    The message completes "<file> is unreadable: it ..."."""


# Failures of the machine, not of the file being read: never a reason to quarantine.
_ENVIRONMENT_ERRORS = (
    "no space left", "permission denied", "read-only file system", "could not set lock",
    "conflicting lock", "cannot allocate memory", "out of memory", "disk quota",
)


# Failures retrying cannot mend within a night: someone has to change the machine first.
_PERMANENT_ERRORS = ("permission denied", "read-only file system", "no space left", "disk quota", "operation not permitted")


def permanent_error(e: BaseException | str) -> bool:
    """True for permission errors, read-only or full disks: not worth a retry."""
    if isinstance(e, OSError) and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(e, duckdb.PermissionException):
        return True
    text = str(e).lower()
    return any(marker in text for marker in _PERMANENT_ERRORS)


def environment_error(e: BaseException) -> bool:
    """True for failures of the machine (disk, permissions, memory, locks) rather than of a file's content."""
    if isinstance(e, (duckdb.OutOfMemoryException, duckdb.InterruptException, duckdb.FatalException,
                      duckdb.TransactionException, duckdb.PermissionException, MemoryError)):
        return True
    if isinstance(e, OSError) and not isinstance(e, (EOFError, gzip.BadGzipFile)):
        return True
    text = str(e).lower()
    return any(marker in text for marker in _ENVIRONMENT_ERRORS)
