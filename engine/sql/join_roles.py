"""Which of two foreign keys to the same table a question means: `flights.SourceAirport` and
`flights.DestAirport` both reference `airports`, `matches.winner_id` and `loser_id` both
`players`. When the model names a column of that table without joining it, the join is
ambiguous by the schema alone; the question's own direction words (departing / arriving,
won / lost) usually settle it. No cue, or cues for both roles: no choice.
"""

from __future__ import annotations

import re

# a word in a foreign key column's name → its role
_COLUMN_ROLES = {
    "source": "source", "src": "source", "origin": "source", "departure": "source", "from": "source",
    "dest": "dest", "destination": "dest", "arrival": "dest", "to": "dest",
    "winner": "winner", "loser": "loser", "home": "home", "away": "away", "visitor": "away",
}
# the words in a question that ask for a role
_QUESTION_CUES = {
    "source": {"from", "depart", "departs", "departed", "departing", "departure", "departures", "leave", "leaves",
               "leaving", "origin", "originating", "source"},
    "dest": {"arrive", "arrives", "arrived", "arriving", "arrival", "arrivals", "land", "lands", "landed", "landing",
             "destination", "destinations"},
    "winner": {"win", "wins", "won", "winner", "winners", "winning"},
    "loser": {"lose", "loses", "lost", "loser", "losers", "losing"},
    "home": {"home"},
    "away": {"away", "visiting", "visitor", "visitors"},
}


def column_words(name: str) -> list[str]:
    """`SourceAirport` → [source, airport]; `winner_id` → [winner, id]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return [w.lower() for w in spaced.split()]


def column_role(name: str) -> str | None:
    roles = {_COLUMN_ROLES[w] for w in column_words(name) if w in _COLUMN_ROLES}
    return roles.pop() if len(roles) == 1 else None


def question_roles(question: str) -> set[str]:
    words = set(re.findall(r"[a-z]+", question.lower()))
    return {role for role, cues in _QUESTION_CUES.items() if words & cues}


def pick_by_role(fk_columns: list[str], question: str) -> int | None:
    """The index of the one foreign key column whose role the question asks for, else None."""
    asked = question_roles(question)
    if not asked:
        return None
    hits = [i for i, col in enumerate(fk_columns) if column_role(col) in asked]
    return hits[0] if len(hits) == 1 else None
