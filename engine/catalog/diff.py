"""What changed between two catalogs: shown on re-import."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.catalog.model import SchemaCatalog


@dataclass
class CatalogDiff:
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())

    def lines(self) -> list[str]:
        out = []
        for label, items in (("tables added", self.tables_added), ("tables removed", self.tables_removed),
                             ("columns added", self.columns_added), ("columns removed", self.columns_removed),
                             ("columns changed", self.columns_changed)):
            if items:
                out.append(f"{label} ({len(items)}): {', '.join(items[:20])}{' …' if len(items) > 20 else ''}")
        return out or ["no schema changes"]


def diff_catalogs(old: SchemaCatalog, new: SchemaCatalog) -> CatalogDiff:
    d = CatalogDiff()
    old_t = {t.name.lower(): t for t in old.tables}
    new_t = {t.name.lower(): t for t in new.tables}
    d.tables_added = [new_t[k].name for k in new_t if k not in old_t]
    d.tables_removed = [old_t[k].name for k in old_t if k not in new_t]
    for k in new_t.keys() & old_t.keys():
        oc = {c.name.lower(): c for c in old_t[k].columns}
        nc = {c.name.lower(): c for c in new_t[k].columns}
        name = new_t[k].name
        d.columns_added += [f"{name}.{nc[c].name}" for c in nc if c not in oc]
        d.columns_removed += [f"{name}.{oc[c].name}" for c in oc if c not in nc]
        d.columns_changed += [
            f"{name}.{nc[c].name} ({oc[c].type} → {nc[c].type})" for c in nc.keys() & oc.keys()
            if (oc[c].type or "").upper() != (nc[c].type or "").upper() or oc[c].primary_key != nc[c].primary_key
        ]
    return d
