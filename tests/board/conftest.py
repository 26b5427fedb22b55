"""Fixtures of the Gnuboard5 importer's tests: the awkward site (tests/gnuboard/awkward.py)
in a MariaDB database of its own for the session, its data/ folder, and a runner of the
real command."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def gnuboard_site():
    from tests.gnuboard import awkward

    site = awkward.build()
    yield site
    site.drop()


@pytest.fixture(scope="session")
def gnuboard_data(tmp_path_factory):
    from tests.gnuboard import awkward

    return awkward.write_data_folder(tmp_path_factory.mktemp("gnuboard") / "data")


@pytest.fixture
def import_gnuboard(db, gnuboard_site, gnuboard_data):
    """import_gnuboard(*options, site=…, data=True) → the command's output. Small batches,
    so every step runs over several; the conversion in this process unless --workers."""

    def run(*options, site=None, data=True):
        out = io.StringIO()
        arguments = ["--db", (site or gnuboard_site).url, "--batch-size", "3"]
        if "--workers" not in options:
            arguments += ["--workers", "0"]
        if data:
            arguments += ["--data", str(gnuboard_data)]
        call_command("import_gnuboard", *arguments, *options, stdout=out)
        return out.getvalue()

    return run
