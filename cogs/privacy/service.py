"""Privacy use cases over every registered feature; no discord here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db import Database
from bot.privacy import PrivacyRegistry, Subject


@dataclass(frozen=True)
class Holding:
    name: str
    purpose: str
    lines: list[str]


class PrivacyService:
    def __init__(self, db: Database, registry: PrivacyRegistry) -> None:
        self.db = db
        self.registry = registry

    async def info(self, subject: Subject) -> list[Holding]:
        described = await self.registry.describe(self.db, subject)
        return [Holding(p.name, p.purpose, described.get(p.name, [])) for p in self.registry.providers]

    async def export_json(self, subject: Subject, generated_at: datetime) -> bytes:
        data: dict[str, Any] = {
            "user_id": str(subject.user_id),
            "generated_at": generated_at.isoformat(),
            "data": await self.registry.export(self.db, subject),
        }
        return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()

    async def erase(self, subject: Subject) -> dict[str, int]:
        return await self.registry.erase(self.db, subject)
