"""Fixtures of the engine tests."""

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from tests.conftest import CHINOOK


@pytest.fixture(scope="module")
def chinook():
    """The bundled Chinook file's catalog and a handle on it, for the SQL rules' tests (they only read)."""
    url = f"sqlite:///{CHINOOK}"
    db = Database(url)
    yield reflect_catalog(url, samples=False), db
    db.close()


def unchanged(fix, sql: str, catalog, question: str) -> bool:
    """Whether the rewrite `fix` (tree, catalog, question → fixes) leaves `sql` as written and says so."""
    import sqlglot

    tree = sqlglot.parse_one(sql)
    return fix(tree, catalog, question) == [] and tree.sql() == sql
