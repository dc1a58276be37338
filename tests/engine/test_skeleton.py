"""Question cues -> SQL parts (engine/sql/skeleton.py)."""

import pytest

from engine.sql.skeleton import missing_parts


def names(question, sql):
    return [c.name for c in missing_parts(question, sql, "sqlite")]


@pytest.mark.parametrize(
    ("question", "sql", "missing"),
    [
        ("Find the number of shops in each location.", "SELECT DISTINCT location FROM shop GROUP BY location", ["count"]),
        ("Find the number of shops in each location.", "SELECT location FROM shop", ["count", "per_group"]),
        ("How many shops per location?", "SELECT location, COUNT(*) FROM shop GROUP BY location", []),
        ("Who is the oldest singer?", "SELECT name FROM singer WHERE age > 30", ["extreme"]),
        ("Who is the oldest singer?", "SELECT name FROM singer ORDER BY age DESC LIMIT 1", []),
        ("Who is the oldest singer?", "SELECT name FROM singer WHERE age = (SELECT MAX(age) FROM singer)", []),
        ("Which dogs have not been treated?", "SELECT name FROM dogs", ["negation"]),
        ("Which dogs have not been treated?", "SELECT name FROM dogs WHERE dog_id NOT IN (SELECT dog_id FROM t)", []),
        ("Which dogs have never been treated?", "SELECT name FROM dogs EXCEPT SELECT name FROM t", []),
        ("What is the average age?", "SELECT age FROM singer", ["average"]),
        ("List all singers.", "SELECT name FROM singer", []),  # no cue, nothing required
        ("How many singers?", "SELECT FROM WHERE (", []),  # unparsable: validation's job, not this one
        ("List the country of each singer", "SELECT country FROM singer", ["per_group"]),
        # phrases where the cue word means something else
        ("List artists with at least 3 albums", "SELECT name FROM artist", []),
        ("Employees who serve no more than 20 customers", "SELECT name FROM employee", []),
        # an ordering phrase asks for DESC, not for one extreme row
        ("Show singers ordered by age from the oldest to the youngest.", "SELECT name FROM singer ORDER BY age", ["descending"]),
        ("Show singers ordered by age from the oldest to the youngest.", "SELECT name FROM singer ORDER BY age DESC", []),
        ("List names in descending order of age.", "SELECT name FROM singer ORDER BY age ASC", ["descending"]),
        ("List names in descending order of age.", "SELECT name FROM singer ORDER BY age DESC, name", []),
        ("List names sorted from youngest to oldest.", "SELECT name FROM singer ORDER BY age", []),
    ],
)
def test_missing_parts(question, sql, missing):
    assert names(question, sql) == missing


def test_words_match_whole_words_only():
    assert names("Show the country names", "SELECT name FROM country") == []  # "country" is not "count"
    assert names("List the nominees", "SELECT name FROM t") == []  # "nominees" holds "no" but is not "no"
