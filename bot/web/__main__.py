"""Run the web app with uvicorn: ``python -m bot.web``."""

import uvicorn

from bot.config import Settings
from bot.web.logs import log_config


def main() -> None:
    """Serve ``bot.web:app`` on the configured host and port."""
    settings = Settings.from_env()
    # Rasa pins websockets 10.4, which uvicorn's default websocket stack rejects;
    # the web app serves no websockets, so none is loaded.
    uvicorn.run(
        "bot.web:app",
        host=settings.web_host,
        port=settings.web_port,
        ws="none",
        log_config=log_config(),
    )


if __name__ == "__main__":
    main()
