"""What the landing folder holds besides loadable extracts: unknown folders and files, by name.

A folder that is no contract entity and no connector system (``contract.known_landing_folders``:
a typo such as ``ticket/``), a file at the landing folder's top level, or a file in an entity
folder whose name the loader does not read (``tickets/export.xlsx``) would otherwise be ignored
silently and the night would run "OK" on zero rows. Names starting with ``_`` or ``.`` are ignored
on purpose (in-progress files) and not reported. In a connector system folder
(``<landing>/zendesk/``), a table folder the project does not read is reported as not loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .contract import CONNECTOR_SYSTEMS, CONNECTOR_TABLES, ENTITIES, known_landing_folders

_IGNORED_PREFIXES = ("_", ".")

# File names the loaders read: suffix -> (format, compression).
_SUFFIXES: tuple[tuple[str, str, str | None], ...] = (
    (".csv.gz", "csv", "gzip"),
    (".jsonl.gz", "jsonl", "gzip"),
    (".ndjson.gz", "jsonl", "gzip"),
    (".csv", "csv", None),
    (".jsonl", "jsonl", None),
    (".ndjson", "jsonl", None),
    (".json", "json", None),
    (".parquet", "parquet", None),
)


def classify_suffix(name: str) -> tuple[str, str | None] | None:
    """(format, compression) of a file name the loader reads, or None."""
    low = name.lower()
    for suffix, fmt, comp in _SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix):
            return fmt, comp
    return None


@dataclass
class LandingSurvey:
    landing: Path
    exists: bool = True
    unknown_folders: list[str] = field(default_factory=list)  # "ticket/"
    unknown_files: list[str] = field(default_factory=list)  # "notes.txt", "tickets/export.xlsx"
    entity_files: int = 0  # files the loader reads, in all entity and connector table folders

    @property
    def unknown(self) -> list[str]:
        return [*self.unknown_folders, *self.unknown_files]

    def problems(self) -> list[str]:
        """Human sentences, empty when the landing folder holds only what is loaded."""
        out = []
        if not self.exists:
            return [f"the landing folder {self.landing} does not exist"]
        if self.unknown:
            out.append("not loaded, unknown in the landing folder: " + ", ".join(self.unknown))
        if self.entity_files == 0:
            out.append(f"no extract file in any entity folder of {self.landing}")
        return out


def survey(landing_dir: Path) -> LandingSurvey:
    landing = Path(landing_dir)
    out = LandingSurvey(landing)
    if not landing.is_dir():
        out.exists = False
        return out
    known = known_landing_folders()
    for entry in sorted(landing.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(_IGNORED_PREFIXES):
            continue
        if entry.is_dir():
            if entry.name not in known:
                out.unknown_folders.append(entry.name + "/")
            elif entry.name in ENTITIES:
                _survey_entity(landing, entry, out)
            elif entry.name in CONNECTOR_SYSTEMS:
                _survey_connector(landing, entry, out)
        else:
            out.unknown_files.append(entry.name)
    return out


def _survey_connector(landing: Path, system: Path, out: LandingSurvey) -> None:
    """<landing>/<system>/<table>/: the tables its connector models read load like entity folders;
    any other table folder (one the project does not read, or a typo) is reported as not loaded."""
    tables = {e.landing_folder for e in CONNECTOR_TABLES.values() if e.source == system.name}
    for entry in sorted(system.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(_IGNORED_PREFIXES):
            continue
        rel = entry.relative_to(landing).as_posix()
        if entry.is_dir() and rel in tables:
            _survey_entity(landing, entry, out)
        elif entry.is_dir():
            out.unknown_folders.append(rel + "/")
        else:
            out.unknown_files.append(rel)


def _survey_entity(landing: Path, folder: Path, out: LandingSurvey) -> None:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(_IGNORED_PREFIXES))
        for name in sorted(filenames):
            if name.startswith(_IGNORED_PREFIXES):
                continue
            if classify_suffix(name) is None:
                out.unknown_files.append((Path(dirpath) / name).relative_to(landing).as_posix())
            else:
                out.entity_files += 1
