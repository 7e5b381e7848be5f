"""What the connector generators (generate_zendesk, generate_intercom) share: the window of one
extract, Fivetran's timestamp text and sync columns, and the ``<out>/<system>/<table>/<table>.csv``
layout Fivetran lands."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

FIVETRAN_TIMESTAMP = "%Y-%m-%d %H:%M:%S"


def fivetran_ts(value: datetime) -> str:
    # Fivetran lands UTC timestamps without an offset.
    return value.strftime(FIVETRAN_TIMESTAMP)


def parse_fivetran_ts(text: str) -> datetime:
    return datetime.strptime(text, FIVETRAN_TIMESTAMP)


@dataclass(frozen=True)
class ConnectorExtract:
    """One connector's extract: rows created from ``start`` (naive UTC), synced at ``extract_at``
    (03:00 the day after ``end_date``), written under ``out_dir/system``."""

    system: str
    out_dir: Path
    start: datetime
    extract_at: datetime

    @classmethod
    def ending(cls, system: str, out_dir: Path, end_date: date, days: int) -> ConnectorExtract:
        start = datetime.combine(end_date - timedelta(days=days - 1), time(), tzinfo=UTC).replace(tzinfo=None)
        extract_at = datetime.combine(end_date + timedelta(days=1), time(3)).replace(tzinfo=None)
        return cls(system, Path(out_dir), start, extract_at)

    @property
    def synced(self) -> str:
        return fivetran_ts(self.extract_at)

    @property
    def span_seconds(self) -> float:
        """Seconds in which a row may be created: up to six hours before the extract."""
        return (self.extract_at - timedelta(hours=6) - self.start).total_seconds()

    def sync_columns(self, deleted: bool = False) -> dict[str, str]:
        """Fivetran's ``_fivetran_synced`` and ``_fivetran_deleted`` of a row of this extract."""
        return {"_fivetran_synced": self.synced, "_fivetran_deleted": "true" if deleted else "false"}

    def write(self, table: str, columns: list[str], rows: list[dict]) -> None:
        """``<out>/<system>/<table>/<table>.csv``: ``columns`` in order, None as an empty field."""
        folder = self.out_dir / self.system / table
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
