"""Engine, sessions, transactions and migrations."""

from bot.db.base import Base, Snowflake, UTCDateTime
from bot.db.database import Database, DatabaseUnavailable

__all__ = ["Base", "Database", "DatabaseUnavailable", "Snowflake", "UTCDateTime"]
