"""Files that hold resident data are readable by the site's own user only.

The SQLite database (and its -wal and -shm companions) is made 0600, and var/ and the
export folder 0700, whatever the umask: on a shared machine, another account must not
be able to copy the answers. Files elsewhere (static files a proxy may serve) keep the
usual modes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def private_directory(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY)
    make_private(path, PRIVATE_DIRECTORY)
    return path


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Set `path`'s mode, if it exists and is ours (another owner's file is left alone)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)


def protect_sqlite_files(sender, connection, **kwargs) -> None:
    """On each new SQLite connection: the database file and its journals are 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        make_private(Path(name + suffix))
