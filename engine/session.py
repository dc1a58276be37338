"""Everything an ask needs for one database, opened once and reused across questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.catalog.model import SchemaCatalog
from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.index.entries import ExamplePair, doc_entries, example_entries, table_entries
from engine.index.store import KnowledgeIndex
from engine.workspace import Workspace


@dataclass
class Session:
    url: str
    workspace: Workspace
    catalog: SchemaCatalog
    index: KnowledgeIndex
    db: Database
    pinned: list[str] = field(default_factory=list)
    values: object = None  # ValueIndex, for value linking

    def value_index(self):
        """Built on first use (one DISTINCT scan per text column), then read from the workspace."""
        if self.values is None:
            from engine.retrieval.value_link import ValueIndex

            path = self.workspace.connection_dir(self.url) / "values.json"
            if path.exists():
                self.values = ValueIndex.load(path)
            if self.values is None or self.values.partial is None:  # absent, or saved before it recorded partial columns
                self.values = ValueIndex.build(self.db, self.catalog)
                self.values.save(path)
        return self.values


def build_index(
    workspace: Workspace,
    url: str,
    catalog: SchemaCatalog,
    progress: Callable[[int, int], None] | None = None,
) -> KnowledgeIndex:
    index = KnowledgeIndex(workspace.index_dir(url))
    pairs = [ExamplePair(r["question"], r["sql"]) for r in workspace.read_jsonl(url, "examples.jsonl")]
    entries = table_entries(catalog) + example_entries(pairs) + doc_entries(catalog.notes)
    index.build(entries, progress=progress)
    return index


def open_session(
    workspace: Workspace,
    url: str,
    refresh: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Session:
    """Reflect and index on first use (or when refresh); later opens reuse the stored catalog and index."""
    db = Database(url)
    cat_path = workspace.catalog_path(url)
    if refresh or not cat_path.exists():
        catalog = reflect_catalog(url)
        catalog.save(cat_path)
    else:
        catalog = SchemaCatalog.load(cat_path)
    index = KnowledgeIndex(workspace.index_dir(url))
    index.clean_partial()
    if refresh or not index.exists():
        index = build_index(workspace, url, catalog, progress)
    return Session(url=url, workspace=workspace, catalog=catalog, index=index, db=db, pinned=workspace.pinned(url))
