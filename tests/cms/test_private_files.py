"""Files holding resident data are readable by the site's own user only
(cms/private_files.py): the SQLite database, var/, exports."""

import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cms.private_files import private_directory, protect_sqlite_files
from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions

pytestmark = pytest.mark.django_db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_and_var_are_private(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own files (the PostgreSQL pass has none in var/)")
    connection.ensure_connection()
    database = Path(connection.settings_dict["NAME"])
    os.chmod(database, 0o644)
    protect_sqlite_files(sender=None, connection=connection)  # as every new connection does
    assert mode(database) == 0o600
    assert mode(Path(settings.VAR_DIR)) == 0o700


def test_the_export_folder_and_files_are_private(tmp_path, survey):
    old = os.umask(0o022)
    try:
        folder = private_directory(tmp_path / "exports")
        target = folder / "responses.csv"
        write_export(survey, ExportOptions(format="csv"), target)
    finally:
        os.umask(old)
    assert mode(folder) == 0o700 and mode(target) == 0o600
