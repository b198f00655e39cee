"""Old home of the shared autocomplete; it lives in ``cogs.groups.api.choices`` now (kept until every user moves)."""

from cogs.groups.api.choices import group_choices, timezone_choices

__all__ = ["group_choices", "timezone_choices"]
