"""Schema-constrained decoding: a GBNF grammar per question, built from the catalog.

The model can then only write a syntactically plausible SELECT over real tables and
columns. It continues after the answer prefix "SELECT" that the prompt already wrote.
"""

from __future__ import annotations

import json

from engine.catalog.model import SchemaCatalog
from engine.prompt.schema_text import quote

ALIASES = ("T1", "T2", "T3", "T4")


def _lit(s: str) -> str:
    return json.dumps(s)


def _alt(items: list[str]) -> str:
    return " | ".join(_lit(i) for i in sorted(set(items), key=lambda x: (-len(x), x)))


def schema_grammar(catalog: SchemaCatalog, tables: list[str] | None = None) -> str:
    wanted = None if tables is None else {t.lower() for t in tables}
    chosen = [t for t in catalog.tables if wanted is None or t.name.lower() in wanted] or catalog.tables
    table_names = [quote(t.name) for t in chosen]
    columns = [quote(c.name) for t in chosen for c in t.columns]
    return GRAMMAR.format(tables=_alt(table_names), columns=_alt(columns), aliases=_alt(list(ALIASES)))


GRAMMAR = r"""
root ::= " " query
query ::= select-core (" " setop " SELECT " select-core)? order? limit?
setop ::= "UNION" | "INTERSECT" | "EXCEPT"
select-core ::= ("DISTINCT ")? items " FROM " source join? join? join? where? group? having?
inner-core ::= ("DISTINCT ")? items " FROM " source join? join? inner-where? group?
items ::= item (", " item)? (", " item)? (", " item)? (", " item)?
item ::= "*" | expr (" AS " alias-name)?
source ::= table (" AS " alias)?
join ::= " JOIN " table (" AS " alias)? " ON " column " = " column
where ::= " WHERE " cond
inner-where ::= " WHERE " simple-pred ((" AND " | " OR ") simple-pred)?
group ::= " GROUP BY " column (", " column)?
having ::= " HAVING " simple-pred
order ::= " ORDER BY " expr (" ASC" | " DESC")? (", " expr (" ASC" | " DESC")?)?
limit ::= " LIMIT " [1-9] [0-9]?
cond ::= pred ((" AND " | " OR ") pred)? ((" AND " | " OR ") pred)?
pred ::= simple-pred | expr " " cmp " (SELECT " inner-core ")" | expr (" NOT")? " IN (SELECT " inner-core ")"
simple-pred ::= "NOT " simple-pred | expr " " cmp " " expr | expr (" NOT")? " LIKE " string | expr (" NOT")? " IN (" literal (", " literal)* ")" | expr " BETWEEN " literal " AND " literal | expr " IS " ("NOT ")? "NULL"
cmp ::= "=" | "!=" | ">=" | "<=" | ">" | "<"
expr ::= term (" " arith " " term)?
arith ::= "+" | "-" | "*" | "/"
term ::= agg | func | column | literal
agg ::= ("COUNT" | "SUM" | "AVG" | "MIN" | "MAX") "(" ("DISTINCT ")? (column | "*") ")"
func ::= ("LOWER" | "UPPER" | "LENGTH" | "ROUND" | "ABS" | "STRFTIME" | "SUBSTR") "(" (column | literal) (", " (column | literal))? ")"
column ::= ((table | alias) ".")? colname
literal ::= number | string
number ::= "-"? [0-9] [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? ("." [0-9] [0-9]?)?
string ::= "'" [^'\n]* "'"
alias-name ::= [a-z_] [a-z_0-9]*
table ::= {tables}
colname ::= {columns}
alias ::= {aliases}
"""
