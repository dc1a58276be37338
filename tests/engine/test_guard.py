"""Each forbidden statement kind is refused with a clear message (the full adversarial corpus
with database checksums lives in tests/security/)."""

import pytest

from engine.sql.errors import SqlRejected
from engine.sql.guard import parse_single_select

FORBIDDEN = {
    "INSERT INTO t VALUES (1)": "only SELECT",
    "UPDATE t SET a = 1": "only SELECT",
    "DELETE FROM t": "only SELECT",
    "DROP TABLE t": "only SELECT",
    "CREATE TABLE x (a INT)": "only SELECT",
    "ALTER TABLE t ADD COLUMN b INT": "only SELECT",
    "SELECT 1; DROP TABLE t": "one statement",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d": "only reads",
    "SELECT * INTO t2 FROM t": "only reads",
    "PRAGMA query_only = OFF": "only SELECT",
    "SELECT load_extension('evil')": "side effects",
    "SELECT pg_read_file('/etc/passwd')": "side effects",
    "SET statement_timeout = 0": "only SELECT",
    "BEGIN": "only SELECT",
    "SELECT * FROM t FOR UPDATE": "only reads",
    "SELECT 'unterminated": "does not parse",
    "SELECT 1\x00": "control character",
    "": "no SQL",
}


@pytest.mark.parametrize("sql,message", FORBIDDEN.items())
def test_forbidden_is_refused_with_a_clear_message(sql, message):
    with pytest.raises(SqlRejected) as err:
        parse_single_select(sql, "postgres")
    assert message.lower() in str(err.value).lower()


@pytest.mark.parametrize("sql", ["SELECT 1", "WITH a AS (SELECT 1 AS x) SELECT x FROM a", "SELECT 1 UNION SELECT 2", "SELECT 1 -- ; DROP TABLE t"])
def test_reads_pass(sql):
    parse_single_select(sql, "sqlite")


def test_sql_nested_past_the_parsers_depth_is_refused_not_a_crash():
    """A small model looping on `CAST((CAST((…` made sqlglot's recursive parser raise RecursionError,
    which ended a whole evaluation run (defog, session 22); it is a parse failure like any other."""
    sql = "SELECT " + "CAST((" * 40 + "1" + ") AS REAL)" * 40 + " FROM t"
    with pytest.raises(SqlRejected) as info:
        parse_single_select(sql, "sqlite")
    assert info.value.rule == "parse" and "nested too deeply" in str(info.value)
