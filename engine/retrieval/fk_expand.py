"""Complete the join path between retrieved tables along the foreign-key graph."""

from __future__ import annotations

from collections import deque

MAX_HOPS = 3


def shortest_path(graph: dict[str, set[str]], start: str, goals: set[str], max_hops: int = MAX_HOPS) -> list[str]:
    """Breadth-first path from start to the nearest goal (inclusive), or [] if none within max_hops."""
    prev: dict[str, str | None] = {start: None}
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if node in goals and node != start:
            path = [node]
            while prev[path[-1]] is not None:
                path.append(prev[path[-1]])
            return path[::-1]
        if depth >= max_hops:
            continue
        for nxt in sorted(graph.get(node, ())):
            if nxt not in prev:
                prev[nxt] = node
                queue.append((nxt, depth + 1))
    return []


def expand_along_fks(graph: dict[str, set[str]], tables: list[str]) -> list[str]:
    """Tables (lower-case) to add so every retrieved table connects to the first one's component.

    A greedy Steiner-tree approximation: join each table to the tree grown so far by its
    shortest FK path; bridge tables on those paths are the additions.
    """
    if len(tables) < 2:
        return []
    tree = {tables[0]}
    added: list[str] = []
    for t in tables[1:]:
        if t in tree:
            continue
        path = shortest_path(graph, t, tree)
        for node in path:
            if node not in tree:
                tree.add(node)
                if node not in tables and node not in added:
                    added.append(node)
        tree.add(t)
    return added
