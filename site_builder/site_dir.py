"""The output folder: refuse one that is not ours to replace, and swap a new site in whole."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_CWD = -100


def site_dir_problem(site_dir: Path, keep: list[Path]) -> str | None:
    """Why site_dir may not be replaced by a build (None when it may); `keep` are paths it must not hold."""
    if site_dir.exists() and not site_dir.is_dir():
        return f"{site_dir} is a file, not a folder; choose a folder for the site"
    for path in keep:
        if path == site_dir or site_dir in path.parents:
            return f"{site_dir} holds {path}, which a build would delete; choose a folder of its own, such as ./site"
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / "index.html").is_file():
        return f"{site_dir} is not empty and holds no built site (no index.html); choose a new or empty folder"
    return None


def folder_mode() -> int:
    """The mode a new folder gets from the process's umask (0755 under the usual 022), as `mkdir` gives it."""
    return 0o777 & ~_umask()


def _umask() -> int:
    # Linux says it in /proc without changing it; os.umask can only be read by setting it, which a thread
    # creating a file at that moment would see.
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def swap_in(new: Path, target: Path) -> None:
    """Put the new site at target; the old one ends at `new`, for the caller to remove."""
    if target.exists() and _exchange(new, target):
        return
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, retired / "site")
        os.replace(new, target)
        os.replace(retired / "site", new)
        retired.rmdir()
    else:
        os.replace(new, target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2), so readers never miss the site; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_CWD, os.fsencode(first), _AT_CWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)
