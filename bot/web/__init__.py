"""FastAPI web app; ``bot.web:app`` is the ASGI entry point."""

from bot.config import Settings
from bot.web.app import create_app

app = create_app(Settings.from_env())

__all__ = ["app", "create_app"]
