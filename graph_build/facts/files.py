"""Which files of a fact folder a build reads: regular `*.yaml` files; the rest said aloud.

- A `*.yml` file is refused (fact files end in `.yaml`, one name for one thing): a file that
  would be silently skipped is a fact silently missing.
- A name ending in `.yaml` that is not a regular file (a FIFO, a socket, a device) is skipped
  with a warning: reading it could wait for ever.
- A symbolic link that cannot be followed (a loop, a dangling target) is refused, naming it.
"""

from __future__ import annotations

import errno
import fnmatch
import logging
import os
import stat
from pathlib import Path

from ..errors import FactError, display_path

log = logging.getLogger("cspkg.build")


def fact_files(folder: Path) -> tuple[list[Path], list[FactError]]:
    """The folder's fact files in name order, and the problems that stop a build."""
    files, problems = [], []
    for path, plain in _candidates(folder):
        if path.suffix == ".yml":
            problems.append(
                FactError(
                    display_path(path), None, "", "fact files end in .yaml", f"rename it to {path.stem}.yaml"
                )
            )
            continue
        if path.suffix != ".yaml":
            continue
        if plain:  # a regular file, as the folder listing says (no link to follow)
            files.append(path)
            continue
        try:
            mode = os.stat(path).st_mode  # follows links
        except OSError as exc:
            why = (
                "a symbolic link that loops"
                if exc.errno == errno.ELOOP
                else f"cannot be read ({exc.strerror})"
            )
            problems.append(FactError(display_path(path), None, "", why))
            continue
        if not stat.S_ISREG(mode):
            log.warning("%s: not a regular file: skipped", display_path(path))
            continue
        files.append(path)
    return files, problems


def _candidates(folder: Path) -> list[tuple[Path, bool]]:
    """The folder's `*.y*ml` names in name order (as `sorted(folder.glob(...))`, which
    is several times slower on tens of thousands of files), each with whether the listing shows
    a regular file (not a link: nothing to follow)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [
        (entry.name, entry.is_file(follow_symlinks=False))
        for entry in entries
        if fnmatch.fnmatchcase(entry.name, "*.y*ml")
    ]
    found.sort()
    return [(Path(folder, name), plain) for name, plain in found]
