"""Notes on a file that gave no rows, recorded in its raw._loaded_files message (both engines)."""

ZERO_BYTES = "0-byte file: nothing to load"
BLANK_FILE = "blank file: nothing to load"
HEADER_ONLY = "header only: no data rows"
NO_RECORDS = "no records: nothing to load"
NO_ROWS = "no rows: nothing to load"
