import os
from pathlib import Path

import pytest

# Material prints an end-of-life banner on every build; it is noise in test output.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

TIERS = {"browser": "browser", "site": "slow", "journeys": "slow"}
"""Folders of tests whose every test carries a tier marker (`./scripts/test --fast` leaves
them out)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).parent.name
        if folder in TIERS:
            item.add_marker(TIERS[folder])


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This site, built once per test process with the `mkdocs` command as a contributor
    builds it (strict, reproducible), for every test that only reads it."""
    from tests.helpers import ROOT, cli_build

    site = tmp_path_factory.mktemp("real-site") / "site"
    cli_build("mkdocs", ROOT, site)
    return site
