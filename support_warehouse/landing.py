"""What the landing folder holds besides loadable extracts: unknown folders and files, by name.

A folder that is no contract entity and no connector system (``contract.known_landing_folders``:
a typo such as ``ticket/``), a file at the landing folder's top level, or a file in an entity
folder whose name the loader does not read (``tickets/export.xlsx``) would otherwise be ignored
silently and the night would run "OK" on zero rows. Names starting with ``_`` or ``.`` are ignored
on purpose (in-progress files) and not reported. Connector system folders are left to their
connectors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .contract import ENTITIES, known_landing_folders

_IGNORED_PREFIXES = ("_", ".")


@dataclass
class LandingSurvey:
    landing: Path
    exists: bool = True
    unknown_folders: list[str] = field(default_factory=list)  # "ticket/"
    unknown_files: list[str] = field(default_factory=list)  # "notes.txt", "tickets/export.xlsx"
    entity_files: int = 0  # files the loader reads, in all entity folders

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
    from .load import _classify_suffix  # the loader's own notion of a readable file name

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
                _survey_entity(landing, entry, out, _classify_suffix)
        else:
            out.unknown_files.append(entry.name)
    return out


def _survey_entity(landing: Path, folder: Path, out: LandingSurvey, classify) -> None:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(_IGNORED_PREFIXES))
        for name in sorted(filenames):
            if name.startswith(_IGNORED_PREFIXES):
                continue
            if classify(name) is None:
                out.unknown_files.append((Path(dirpath) / name).relative_to(landing).as_posix())
            else:
                out.entity_files += 1
