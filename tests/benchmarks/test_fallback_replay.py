"""The fallback lever's replay: the second model's recorded answer counts only where the first came up empty."""

import json

from benchmarks.fallback_replay import combine
from benchmarks.gold_check import GoldChecker
from tests.conftest import need_shared


def _result(path, answers):
    items = [{"index": i, "sql": sql, "correct": False} for i, sql in answers.items()]
    path.write_text(json.dumps({"modes": ["ft"], "items": {"ft": items}}))
    return path


def test_the_fallback_answer_counts_only_when_the_first_is_empty_or_fails(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    checker = GoldChecker("chinook", tmp_path / "ws")
    albums = next(i for i in checker.items.values() if i.gold[0].upper() == "SELECT COUNT(*) FROM ALBUM")
    other = next(i for i in checker.items.values() if i.index != albums.index)
    checker.close()
    right, empty = albums.gold[0], "SELECT Title FROM Album WHERE Title = 'no such album'"
    first = _result(tmp_path / "a.json", {albums.index: empty, other.index: other.gold[0]})
    second = _result(tmp_path / "b.json", {albums.index: right, other.index: "SELECT nope FROM nowhere"})
    rows = {r["index"]: r for r in combine(first, second, "chinook", tmp_path / "ws")}
    expected = {"primary": False, "fallback": True, "asked": True, "used": True, "combined": True}
    assert {k: rows[albums.index][k] for k in expected} == expected
    assert rows[other.index]["combined"] and not rows[other.index]["asked"]  # a right first answer is never replaced
    swapped = {r["index"]: r for r in combine(second, first, "chinook", tmp_path / "ws")}
    assert swapped[other.index]["asked"] and swapped[other.index]["combined"]  # an error asks; the fallback's rows win
    assert swapped[albums.index]["combined"] and not swapped[albums.index]["asked"]


def test_when_lacking_a_first_answer_with_rows_is_replaced_only_by_one_lacking_less(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    checker = GoldChecker("chinook", tmp_path / "ws")
    albums = next(i for i in checker.items.values() if i.gold[0].upper() == "SELECT COUNT(*) FROM ALBUM")
    checker.close()
    first = _result(tmp_path / "a.json", {albums.index: "SELECT Title FROM Album"})  # rows, but no COUNT
    for second_sql, used in (("SELECT COUNT(*) FROM Album", True), ("SELECT AlbumId FROM Album", False)):
        second = _result(tmp_path / "b.json", {albums.index: second_sql})
        assert not combine(first, second, "chinook", tmp_path / "ws")[0]["asked"]  # the lever off
        row = combine(first, second, "chinook", tmp_path / "ws", when_lacking=True)[0]
        assert row["asked"] and row["used"] == used and row["combined"] == used
