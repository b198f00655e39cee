"""Resource search's ranking query: full-text matches in the searched libraries, best first, each with the
columns a result shows (FTS5 on SQLite, a tsvector on PostgreSQL). Used by ``ResourceService.search``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.resources import domain

#: Up to this many matches in the searched libraries are ranked in Python (domain.rank); beyond it, by
#: FTS5's bm25(), whose whole-index pass is then worth its cost.
RANK_IN_PYTHON_MAX = 500
#: What a search reads of each resource it shows, in this order (``service._found_view``).
FOUND_COLUMNS = "r.id, r.title, r.url, r.description, r.tags, r.pinned, r.helpful, r.scope, r.status"
HELPFUL_AT, SCOPE_AT = 6, 7


@dataclass(frozen=True)
class Where:
    sqlite: bool
    guild_id: int
    scopes: Sequence[int]  # group ids, and ``server`` for the server-wide library
    server: int


async def ranked(
    session: AsyncSession, where: Where, terms: list[str], limit: int, *, any_term: bool = False
) -> list[Sequence[Any]]:
    """The best ``limit`` resources, each as the FOUND_COLUMNS, best first: text relevance, lifted by helpful
    votes (up to x3 at 10 votes). The ranking query brings the rows shown, so a search is one statement
    after the library check, not two."""
    if where.sqlite:
        return await _fts5(session, where, terms, limit, any_term)
    # The libraries first (a few hundred rows by the scope index), then the text test on each: asyncpg's
    # prepared statements get a generic plan after five runs, which can't see the words and may read
    # the GIN index's whole posting list of a common word (tens of milliseconds) instead.
    statement = text(
        "WITH library AS MATERIALIZED (SELECT id, search, helpful FROM resources "  # noqa: S608 (constant SQL)
        "WHERE guild_id = :guild AND scope IN :scopes AND status = 'live'), "
        "best AS (SELECT library.id, ts_rank(library.search, q) * (1.0 + LEAST(library.helpful, 10) / 5.0) "
        "AS score FROM library, to_tsquery('english', :query) AS q WHERE library.search @@ q "
        "ORDER BY score DESC, library.id LIMIT :limit) "
        f"SELECT {FOUND_COLUMNS} FROM best JOIN resources AS r ON r.id = best.id "
        "ORDER BY best.score DESC, best.id"
    ).bindparams(bindparam("scopes", expanding=True))
    found = await session.execute(
        statement,
        {
            "query": domain.tsquery(terms, any_term=any_term),
            "guild": where.guild_id,
            "scopes": list(where.scopes),
            "limit": limit,
        },
    )
    return list(found.all())


async def _fts5(
    session: AsyncSession, where: Where, terms: list[str], limit: int, any_term: bool
) -> list[Sequence[Any]]:
    tokens = [f"g{s}" for s in where.scopes if s != where.server]
    tokens += [f"s{where.guild_id}"] if where.server in where.scopes else []
    match = domain.fts5_query(terms, tokens, any_term=any_term)
    # The library's matches, each column with its matched words marked (highlight() reads only these
    # rows); ranked in Python unless a library has very many matches. See domain.rank.
    marked = ", ".join(f"highlight(resources_fts, {c}, char(1), '')" for c in (1, 2, 3))
    candidates = await _sqlite_rows(
        session,
        f"SELECT {FOUND_COLUMNS}, {marked} FROM resources_fts "  # noqa: S608 (constant SQL)
        "JOIN resources AS r ON r.id = resources_fts.rowid "
        "WHERE resources_fts MATCH :match LIMIT :cap",
        {"match": match, "cap": RANK_IN_PYTHON_MAX + 1},
    )
    if len(candidates) <= RANK_IN_PYTHON_MAX:
        by_id = {row[0]: row for row in candidates}
        chosen = domain.rank([(row[0], row[HELPFUL_AT], (row[-3], row[-2], row[-1])) for row in candidates], limit)
        return [by_id[i] for i in chosen]
    return await _sqlite_rows(
        session,
        f"SELECT {FOUND_COLUMNS} FROM resources_fts "  # noqa: S608 (constant SQL)
        "JOIN resources AS r ON r.id = resources_fts.rowid "
        "WHERE resources_fts MATCH :match "
        "ORDER BY bm25(resources_fts, 0.0, 10.0, 4.0, 1.0) * (1.0 + min(r.helpful, 10) / 5.0), r.id "
        "LIMIT :limit",
        {"match": match, "limit": limit},
    )


async def _sqlite_rows(session: AsyncSession, sql: str, parameters: dict[str, Any]) -> list[Sequence[Any]]:
    """One read inside the session's transaction in a single trip to aiosqlite's thread (execute and fetch
    together). Through SQLAlchemy the same statement took three or four trips, and under load every trip
    waits for the CPU twice: that waiting, not the query, was most of a search's slowest times."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return list(await raw.driver_connection.execute_fetchall(sql, parameters))  # type: ignore[union-attr]
