"""The ordered SQL checks, one rule per module, run in sequence like sqlglot's optimizer RULES."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.absent_rows import keep_absent_rows
from engine.sql.aggregateless_group import drop_aggregateless_group
from engine.sql.asked_count import add_asked_count
from engine.sql.asked_name import show_asked_name
from engine.sql.both_values import split_both_values
from engine.sql.comparison_direction import fix_comparison_direction
from engine.sql.count_join import join_counted_table
from engine.sql.count_threshold import limit_to_having
from engine.sql.distinct_count import count_distinct_keys
from engine.sql.either_value import offer_either_value
from engine.sql.everything_range import fix_everything_ranges
from engine.sql.group_shown import show_group_columns
from engine.sql.guard import parse_single_select
from engine.sql.impossible_extreme import fix_impossible_extremes
from engine.sql.integer_ratio import cast_integer_ratios
from engine.sql.join_keys import fix_join_keys
from engine.sql.like_anchor import fix_like_anchors
from engine.sql.limit import cap_rows
from engine.sql.link_columns import link_columns
from engine.sql.link_tables import link_tables
from engine.sql.link_values import StoredValues, link_values
from engine.sql.missing_group_by import add_missing_group_by
from engine.sql.missing_value import add_missing_value
from engine.sql.name_for_key import name_for_key
from engine.sql.named_aggregate import fix_named_aggregates
from engine.sql.numbered_column import repoint_numbered_columns
from engine.sql.order_direction import fix_order_direction
from engine.sql.people_count import sum_population
from engine.sql.quoted_strings import fix_quoted_strings
from engine.sql.ranked_column import rank_by_named_column
from engine.sql.schema_check import check_columns, check_tables
from engine.sql.shown_filter import show_not_the_filter
from engine.sql.shown_sort_key import show_asked_not_sort_key
from engine.sql.text_aggregate import fix_text_aggregates
from engine.sql.unasked_group import drop_unasked_group
from engine.sql.unasked_limit import drop_unasked_limit
from engine.sql.unasked_literal import drop_unasked_literals
from engine.sql.unused_joins import drop_unused_joins
from engine.sql.value_table import move_to_named_table


@dataclass
class CheckedSql:
    sql: str  # what will run: regenerated from the checked tree, capped, in the target dialect
    tree: exp.Expression
    fixes: list[str] = field(default_factory=list)  # what table, column and literal linking changed, for the trace


@dataclass
class _Check:
    """What the rules read: the catalog and the target dialect; the stored values and the
    question for literal linking (the question also picks between two keys a join could use); `fixes` collects what the linking rules changed."""

    catalog: SchemaCatalog
    dialect: str
    fixes: list[str]
    values: StoredValues | None = None
    question: str = ""


def _quoted_strings(tree, c: _Check):
    return fix_quoted_strings(tree, c.catalog)


def _link_tables(tree, c: _Check):
    c.fixes.extend(link_tables(tree, c.catalog))
    return tree


def _tables(tree, c: _Check):
    check_tables(tree, c.catalog)
    return tree


def _columns(tree, c: _Check):
    check_columns(tree, c.catalog, c.dialect)
    return tree


def _valued(fix):
    """A rule from a rewrite that also reads the connection's value index; skipped without one."""
    def rule(tree, c: _Check):
        if c.values is not None:
            c.fixes.extend(fix(tree, c.catalog, c.values, c.question))
        return tree

    return rule


_link_values = _valued(link_values)
_either_value = _valued(offer_either_value)
_value_table = _valued(move_to_named_table)
_missing_value = _valued(add_missing_value)


def _rewrite(fix):
    """A rule from a rewrite that reads the catalog and the question, changes the tree in place and
    returns what it changed, in words, for the trace."""
    def rule(tree, c: _Check):
        c.fixes.extend(fix(tree, c.catalog, c.question))
        return tree

    return rule


_link_columns = _rewrite(link_columns)
_join_keys = _rewrite(fix_join_keys)
_like_anchors = _rewrite(fix_like_anchors)
_unasked_literals = _rewrite(drop_unasked_literals)
_text_aggregates = _rewrite(fix_text_aggregates)
_named_aggregates = _rewrite(fix_named_aggregates)
_numbered_columns = _rewrite(repoint_numbered_columns)
_ranked_columns = _rewrite(rank_by_named_column)
_unused_joins = _rewrite(drop_unused_joins)
_absent_rows = _rewrite(keep_absent_rows)
_comparison_direction = _rewrite(fix_comparison_direction)
_count_threshold = _rewrite(limit_to_having)
_missing_group_by = _rewrite(add_missing_group_by)
_asked_count = _rewrite(add_asked_count)
_count_join = _rewrite(join_counted_table)
_distinct_count = _rewrite(count_distinct_keys)
_name_for_key = _rewrite(name_for_key)
_asked_name = _rewrite(show_asked_name)
_unasked_limit = _rewrite(drop_unasked_limit)
_impossible_extremes = _rewrite(fix_impossible_extremes)
_group_shown = _rewrite(show_group_columns)
_unasked_group = _rewrite(drop_unasked_group)
_aggregateless_group = _rewrite(drop_aggregateless_group)
_shown_filter = _rewrite(show_not_the_filter)
_people_count = _rewrite(sum_population)
_everything_ranges = _rewrite(fix_everything_ranges)
_shown_sort_key = _rewrite(show_asked_not_sort_key)


def _order_direction(tree, c: _Check):
    c.fixes.extend(fix_order_direction(tree, c.question, c.dialect))
    return tree


def _integer_ratios(tree, c: _Check):
    c.fixes.extend(cast_integer_ratios(tree, c.catalog, c.catalog.dialect))  # the database's division, not the input's
    return tree


def _both_values(tree, c: _Check):
    tree, fixes = split_both_values(tree, c.catalog, c.question)  # a new root: an INTERSECT or EXCEPT
    c.fixes.extend(fixes)
    return tree


RULES = (
    _quoted_strings, _link_tables, _tables, _link_columns, _columns,  # names: linked, then checked
    _join_keys,
    _link_values, _either_value, _value_table, _like_anchors, _unasked_literals, _missing_value,  # literals
    _text_aggregates, _named_aggregates, _numbered_columns, _ranked_columns, _unused_joins,  # columns and joins the question does not need
    _absent_rows,  # "… without any …"
    _comparison_direction, _everything_ranges, _impossible_extremes, _count_threshold,  # bounds
    _missing_group_by, _unasked_group, _aggregateless_group, _asked_count, _group_shown, _count_join, _distinct_count, _people_count,  # groups and counts
    _integer_ratios,  # arithmetic
    _name_for_key, _asked_name, _shown_filter, _shown_sort_key,  # what is shown
    _order_direction, _unasked_limit, _both_values,  # sort, limit, set operation
)  # then the row cap (engine.sql.limit), once, on what the rules leave
MAX_PASSES = 3  # the rewrites run again on their own output until nothing changes, at most this often
REWRITES = set(RULES) - {_quoted_strings, _tables, _columns}  # rules that change what the author wrote: only for model output


def check_sql(
    sql: str, catalog: SchemaCatalog, row_cap: int | None = 1000, dialect: str | None = None, link: bool = False,
    link_tables: bool = True, values: StoredValues | None = None, question: str = "",
) -> CheckedSql:
    """Parse + read-only gate, then every rule; raises SqlRejected with the first failure.

    `link` turns on table and column linking, for SQL a model wrote; SQL a person saved is checked as written.
    `link_tables=False` leaves table names alone even then (to measure the two apart). With `link`,
    `values` (the connection's value index) and the `question` turn on literal linking too.
    The rules run again on their own output while a rewrite changed something (MAX_PASSES at most);
    the row cap is applied once, at the end.
    """
    dialect = dialect or catalog.dialect
    tree = parse_single_select(sql, dialect)
    skipped = (set() if link else REWRITES) | (set() if link_tables else {_link_tables})
    fixes: list[str] = []
    seen = {sql}
    for _ in range(MAX_PASSES):
        check = _Check(catalog, dialect, [], values, question)
        for rule in RULES:
            if rule not in skipped:
                tree = rule(tree, check)
        fixes += [f for f in check.fixes if f not in fixes]
        again = tree.sql(dialect=catalog.dialect)
        if not check.fixes or again in seen:
            break
        # a rewrite's output is model output too: one rule's fix can give another its shape
        # ("artists who have not released any albums" reads as absent rows only once name-for-key
        # has shown Artist.Name instead of the key)
        seen.add(again)
        tree, dialect = parse_single_select(again, catalog.dialect), catalog.dialect
    tree = cap_rows(tree, row_cap)
    return CheckedSql(sql=tree.sql(dialect=catalog.dialect), tree=tree, fixes=fixes)
