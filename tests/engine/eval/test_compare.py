"""Metric correctness on hand-made result pairs."""

from engine.eval.compare import defog_match, orders_rows, spider_match


def test_same_rows_different_order():
    assert spider_match([[1, "a"], [2, "b"]], [[2, "b"], [1, "a"]], ordered=False)
    assert not spider_match([[1, "a"], [2, "b"]], [[2, "b"], [1, "a"]], ordered=True)
    assert defog_match([[1], [2]], [[2], [1]], ordered=False)
    assert not defog_match([[1], [2]], [[2], [1]], ordered=True)


def test_column_order_ignored():
    assert spider_match([[1, "a"], [2, "b"]], [["a", 1], ["b", 2]], ordered=False)
    assert defog_match([[1, "a"], [2, "b"]], [["b", 2], ["a", 1]], ordered=False)


def test_extra_column_tolerated_by_defog_only():
    gold, pred = [["x"], ["y"]], [["x", 10], ["y", 20]]
    assert defog_match(gold, pred, ordered=False)
    assert not spider_match(gold, pred, ordered=False)
    # but a missing gold column is wrong for both
    assert not defog_match(pred, gold, ordered=False)


def test_nulls_compare_equal_to_nulls_only():
    assert spider_match([[None, 1]], [[None, 1]], ordered=False)
    assert not spider_match([[None]], [[0]], ordered=False)
    assert not defog_match([[None]], [[""]], ordered=False)


def test_floats_rounded():
    assert spider_match([[0.3333333333]], [[1 / 3]], ordered=False)
    assert spider_match([[2.0]], [[2]], ordered=False)
    assert not spider_match([[0.33]], [[1 / 3]], ordered=False)


def test_multiset_vs_set():
    # Spider counts duplicates, defog drops them
    assert not spider_match([[1], [1]], [[1]], ordered=False)
    assert defog_match([[1], [1]], [[1]], ordered=False)


def test_empty_results():
    assert spider_match([], [], ordered=False)
    assert not spider_match([[1]], [], ordered=False)
    assert defog_match([], [], ordered=False)


def test_columns_with_identical_values_still_need_consistent_rows():
    gold = [[1, 2], [2, 1]]
    assert spider_match(gold, [[2, 1], [1, 2]], ordered=False)
    assert not spider_match([[1, "a"], [2, "b"]], [[1, "b"], [2, "a"]], ordered=False)


def test_orders_rows():
    assert orders_rows("SELECT a FROM t ORDER BY a")
    assert not orders_rows("SELECT a FROM (SELECT a FROM t ORDER BY a)")


def test_defog_compares_row_order_only_when_the_question_asks_for_one():
    """defog sql-eval's normalize_table: its `order_by` category, or order / sort / arrange in the question."""
    from engine.eval.compare import defog_asks_order
    from engine.eval.datasets import EvalItem
    from engine.eval.harness import matches_gold

    golds = [("SELECT c, AVG(x) AS a FROM t GROUP BY c ORDER BY a DESC", [["b", 2], ["a", 1]])]
    pred = [["a", 1], ["b", 2]]
    plain = EvalItem(index=0, question="What is the average length in each country?", gold=[golds[0][0]], db_id="d", category="group_by")
    asked = EvalItem(index=1, question="Average length per country, in order of the highest?", gold=[golds[0][0]], db_id="d", category="group_by")
    assert matches_gold(golds, pred, defog_match, "sqlite", plain)
    assert not matches_gold(golds, pred, defog_match, "sqlite", asked)
    assert not matches_gold(golds, pred, spider_match, "sqlite", plain)  # Spider: the gold's ORDER BY decides
    assert defog_asks_order("Which?", "order_by") and not defog_asks_order("Which border?", "table_join")
    assert not defog_asks_order("Countries sorted by size?", "group_by")  # defog's own regex: whole words only
