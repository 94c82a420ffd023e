"""Client for a running bot, shared by the end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Bot:
    """Endpoints of the running bot."""

    rasa_url: str
    tracker_db: Path

    def send(self, sender: str, text: str) -> list[dict[str, object]]:
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def texts(self, sender: str, text: str) -> str:
        return "\n".join(str(m.get("text", "")) for m in self.send(sender, text))
