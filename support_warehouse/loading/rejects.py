"""The reasons recorded in raw._load_rejects, worded once for both engines' readers.

DuckDB words them in SQL (from its reader's reject table), Spark in Python; both build them from
these texts so a reject reads the same whichever engine loaded the file."""

from __future__ import annotations

COLUMNS_EXPECTED = "wrong number of columns: expected "
COLUMNS_FOUND = ", found "
SHORT_LINE = " (truncated or short line)"
EXTRA_VALUES = " (extra values: an unquoted delimiter?)"
INVALID_UTF8 = "invalid UTF-8: the line is not UTF-8 encoded (export the file as UTF-8)"
MALFORMED_QUOTE = "malformed quoted value: "
UNTERMINATED_QUOTE = (
    "unterminated quoted value: a quote opened on this line is never closed; "
    "the line was rejected and reading resumed on the next line"
)
INVALID_JSON = "invalid JSON: the record is malformed or truncated"
NOT_AN_OBJECT = "not a JSON object: the record is a JSON "  # + the value's JSON type, lower case


def column_count(expected: int, found: int) -> tuple[str, str]:
    """(reason, error_type) of a CSV record with the wrong number of fields."""
    if found < expected:
        return f"{COLUMNS_EXPECTED}{expected}{COLUMNS_FOUND}{found}{SHORT_LINE}", "MISSING COLUMNS"
    return f"{COLUMNS_EXPECTED}{expected}{COLUMNS_FOUND}{found}{EXTRA_VALUES}", "TOO MANY COLUMNS"


def unterminated_note(line: int) -> str:
    """The note on a file whose quote left open on `line` was rejected and reading resumed."""
    return f"line {line}: unterminated quote, re-parsed from the next line"
