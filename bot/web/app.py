"""The web app: chat widget and demo page, rules REST API, and health."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from bot.config import Settings
from bot.web import errors
from bot.web.guard import PublicGuard
from bot.web.headers import SecurityHeaders
from bot.web.routes import calendar, certificates, dates, health, staff, widget

logger = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """Build the FastAPI app for ``settings``."""
    app = FastAPI(
        title="安芸高田市 電子証明書案内 API",
        description=(
            "Expiry and eligibility rules of the My Number Card's electronic certificates "
            "(shared/RULES.md) and Japanese date understanding."
        ),
        version="1.0.0",
        # WEB_DOCS=off: no /docs, /redoc or /openapi.json.
        docs_url="/docs" if settings.web_docs else None,
        redoc_url="/redoc" if settings.web_docs else None,
        openapi_url="/openapi.json" if settings.web_docs else None,
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(
        PublicGuard,
        rate_limit_address=settings.rate_limit_address,
        max_body_bytes=settings.max_body_bytes,
    )
    app.add_middleware(SecurityHeaders)  # outermost: also on 413 and 429 answers
    app.include_router(health.router)
    app.include_router(certificates.router)
    app.include_router(dates.router)
    app.include_router(widget.router)
    staff.install(app, settings)  # /staff, only when STAFF_PASSWORD_HASH is set
    app.include_router(calendar.router)
    if settings.calendar_secret_random:
        logger.warning(
            "CALENDAR_SECRET is not set: calendar links from the action server will "
            "not open here; give the action server, the web app and every replica "
            "one shared CALENDAR_SECRET"
        )
    return app
