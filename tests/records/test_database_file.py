"""A SQLite file the app cannot open is explained: a missing folder, or a file another user owns.

SQLite itself says only "unable to open database file" in every case; the operator reading the
startup line or a command's error must learn which one, without a traceback.
"""

from __future__ import annotations

import os
import pwd
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from assess_app import create_app
from deal_records.database import make_engine, why_unopened
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS

NOBODY = pwd.getpwnam("nobody")


def test_a_folder_that_does_not_exist_is_named_at_start_without_a_traceback(
    tmp_path: Path, site_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/missing/playbook.db"
    with pytest.raises(SystemExit):
        create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "DATABASE_URL": url})
    assert capsys.readouterr().err == (
        f"assess_app: cannot start: the database {url} cannot be opened: unable to open database file; "
        f"its folder {tmp_path}/missing does not exist: create it, or correct the path\n"
    )
    assert not (tmp_path / "missing").exists()


def test_a_command_migrating_into_a_missing_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/missing/playbook.db"
    assert main(["db", "upgrade", "--database", url]) != 0
    assert capsys.readouterr().err == (
        f"playbook db: error: cannot migrate {url}: unable to open database file; "
        f"its folder {tmp_path}/missing does not exist: create it, or correct the path\n"
    )


def _opened_as_nobody(url: str) -> str:
    """What opening `url` says to the user `nobody`: a forked child drops to that user for real and reports back."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: it never returns to pytest
        os.close(read)
        said = "opened"
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY.pw_gid)
                os.setuid(NOBODY.pw_uid)
            engine = make_engine(url)
            try:
                engine.connect().close()
            except SQLAlchemyError as error:
                said = why_unopened(url, error)
            finally:
                engine.dispose()
        finally:
            os.write(write, said.encode())
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read().decode()
    os.waitpid(child, 0)
    return said


def test_a_file_another_user_made_names_its_owner_its_mode_and_the_fix() -> None:
    folder = Path(tempfile.mkdtemp(prefix="playbook-owned-"))  # not pytest's tmp_path: its parent is private
    try:
        folder.chmod(0o777)  # the other user may write the -wal file here: only the file stands in the way
        database = folder / "playbook.db"
        url = f"sqlite:///{database}"
        engine = make_engine(url)
        engine.connect().close()  # made by this user, private (0600), as `playbook users add` makes it
        engine.dispose()
        owner = pwd.getpwuid(database.stat().st_uid).pw_name
        if os.geteuid() != 0:
            database.chmod(0)  # without root, this user cannot become another: a file it may not open is the same
        mode = "----------" if os.geteuid() != 0 else "-rw-------"
        reader = "nobody" if os.geteuid() == 0 else owner
        assert _opened_as_nobody(url) == (
            f"unable to open database file; {database} belongs to {owner} (mode {mode}) and {reader}, who runs "
            f"this, cannot read and write it: run the app and every playbook command as one user, "
            f"or give the file to {reader} (chown)"
        )
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
