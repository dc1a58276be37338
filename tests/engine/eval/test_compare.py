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
