"""The benchmarks' shared scorer: SQL is checked as `ask` checks it, run, and compared as `eval` compares."""

from benchmarks.gold_check import GoldChecker
from tests.conftest import need_shared


def test_gold_check_scores_gold_right_and_others_wrong(tmp_path):
    need_shared("chinook", "spider_chinook_questions.json")
    checker = GoldChecker("chinook", tmp_path / "ws")
    try:
        it = next(i for i in checker.items.values() if i.gold[0].upper() == "SELECT COUNT(*) FROM ALBUM")
        assert checker.score(it.gold[0], it).correct
        wrong = checker.score("SELECT COUNT(*) FROM Artist", it)
        assert not wrong.correct and wrong.rows == [[275]]
        fixed = checker.score("SELECT COUNT(*) FROM Albums", it)  # table linking, as ask applies it
        assert fixed.correct and fixed.fixes
        refused = checker.score("DELETE FROM Album", it)
        assert not refused.correct and refused.rows is None and refused.error
    finally:
        checker.close()
