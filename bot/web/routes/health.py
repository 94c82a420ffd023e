"""Liveness for load balancers and the run command."""

from fastapi import APIRouter

from bot.web.models import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Answer ``ok`` while the process serves requests."""
    return Health(status="ok")
