"""The error every SQL check raises: a message a person can act on, plus suggestions for repair."""

from __future__ import annotations


class SqlRejected(ValueError):
    """The SQL failed a check. `rule` names the check; `suggestions` feed the repair prompt."""

    def __init__(self, rule: str, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.suggestions = suggestions or []

    def __str__(self) -> str:
        if self.suggestions:
            return f"{self.message} Did you mean: {', '.join(self.suggestions)}?"
        return self.message
