"""The staff page (``/staff``): report, daily chart, unanswered queue, labelled export.

Off (404) unless ``STAFF_PASSWORD_HASH`` is set. No script: plain forms and a
server-rendered SVG, so it works with the keyboard alone and under a strict CSP.
See bot/insights/auth.py for the login, session cookie, CSRF token and lock-out.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import jinja2
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.config import Settings
from bot.insights.auth import SESSION_SECONDS, Session, StaffAuth
from bot.insights.chart import volume_svg
from bot.insights.queue import (
    NEW_TOPIC,
    is_label,
    known_labels,
    load_queue,
    to_nlu_yaml,
)
from bot.insights.queue import to_csv as labels_csv
from bot.insights.report import build_report, to_csv
from bot.insights.store import read_only_engine

router = APIRouter(prefix="/staff", include_in_schema=False)
COOKIE = "staff_session"
DEFAULT_DAYS, MAX_DAYS = 30, 366
HERE = Path(__file__).resolve().parent.parent
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make Origin "null"
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}
REASON_JA = {"fallback": "聞き返し", "out_of_scope": "対象外", "not_useful": "👎"}


def install(app: FastAPI, settings: Settings) -> None:
    """Add the staff page to ``app`` when a password hash is configured."""
    if not settings.staff_password_hash:
        return
    app.state.staff_auth = StaffAuth(settings.staff_password_hash)
    app.state.staff_salt = settings.insights_salt or secrets.token_bytes(16)
    app.include_router(router)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _engine(endpoints: str) -> sa.engine.Engine:
    return read_only_engine(Path(endpoints))


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _auth(request: Request) -> StaffAuth:
    auth: StaffAuth = request.app.state.staff_auth
    return auth


def _session(request: Request) -> Session | None:
    return _auth(request).session(request.cookies.get(COOKIE))


def _same_origin(request: Request) -> bool:
    """A form post from this site (browsers send Origin on POST)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request) -> dict[str, list[str]]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=True)


def _days(request: Request) -> int:
    try:
        days = int(request.query_params.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


def _period(request: Request, days: int) -> tuple[datetime, datetime, str]:
    settings: Settings = request.app.state.settings
    now = datetime.now(ZoneInfo(settings.timezone))
    return now - timedelta(days=days), now, settings.timezone


def _login_page(request: Request, status: int = 200, error: str = "") -> HTMLResponse:
    return _page("staff_login.html", status, error=error)


@router.get("", response_class=HTMLResponse)
def staff_home(request: Request) -> Response:
    """The report and the queue, or the login form."""
    session = _session(request)
    if session is None:
        return _login_page(request)
    days = _days(request)
    start, end, timezone = _period(request, days)
    engine = _engine(request.app.state.settings.endpoints_file)
    report = build_report(engine, start, end, timezone)
    groups = load_queue(engine, start, end, request.app.state.staff_salt)
    labels = known_labels()
    return _page(
        "staff.html",
        report=report,
        chart=volume_svg(report.daily_messages()),
        groups=groups,
        days=days,
        csrf=session.csrf,
        faq_labels=[label for label in labels if label.startswith("faq/")],
        oos_labels=[label for label in labels if label.startswith("out_of_scope/")],
        new_topic=NEW_TOPIC,
        reason_ja=REASON_JA,
    )


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the password; start a session or count a failure."""
    auth = _auth(request)
    address = request.client.host if request.client else "unknown"
    if not _same_origin(request):
        return _login_page(request, 403, "このページからログインしてください。")
    if auth.locked(address):
        return _login_page(
            request,
            429,
            "ログインの失敗が続いたため、しばらくログインできません。15分ほど後にお試しください。",
        )
    password = (await _form(request)).get("password", [""])[0]
    session = auth.login(address, password)
    if session is None:
        return _login_page(request, 401, "パスワードが違います。")
    response = RedirectResponse("/staff", status_code=303, headers=HEADERS)
    response.set_cookie(
        COOKIE,
        session.token,
        max_age=SESSION_SECONDS,
        path="/staff",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session (CSRF-checked)."""
    session = _session(request)
    form = await _form(request)
    if session is not None and _auth(request).csrf_ok(
        session, form.get("csrf", [""])[0]
    ):
        _auth(request).logout(session.token)
    response = RedirectResponse("/staff", status_code=303, headers=HEADERS)
    response.delete_cookie(COOKIE, path="/staff")
    return response


@router.get("/report.csv")
def report_csv(request: Request) -> Response:
    """The report as CSV (as ``python -m bot.insights --csv``)."""
    if _session(request) is None:
        return _login_page(request, 401)
    start, end, timezone = _period(request, _days(request))
    report = build_report(
        _engine(request.app.state.settings.endpoints_file), start, end, timezone
    )
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={
            **HEADERS,
            "Content-Disposition": f'attachment; filename="report-{end:%Y%m%d}.csv"',
        },
    )


@router.post("/export")
async def export(request: Request) -> Response:
    """The labelled queue groups as Rasa NLU YAML (or CSV), for data/nlu/review/."""
    session = _session(request)
    if session is None:
        return _login_page(request, 401)
    form = await _form(request)
    if not _same_origin(request) or not _auth(request).csrf_ok(
        session, form.get("csrf", [""])[0]
    ):
        return Response(
            "不正な送信です。ページを読み込み直してください。",
            status_code=403,
            media_type="text/plain; charset=utf-8",
            headers=HEADERS,
        )
    try:
        days = min(max(int(form.get("days", [""])[0]), 1), MAX_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    start, end, _ = _period(request, days)
    chosen = {
        name.removeprefix("label-"): values[0]
        for name, values in form.items()
        if name.startswith("label-") and values and is_label(values[0])
    }
    labelled: dict[str, list[str]] = {}
    groups = load_queue(
        _engine(request.app.state.settings.endpoints_file),
        start,
        end,
        request.app.state.staff_salt,
    )
    for group in groups:
        if group.key in chosen:
            labelled.setdefault(chosen[group.key], []).extend(group.texts)
    if form.get("format", ["yaml"])[0] == "csv":
        body, media, suffix = labels_csv(labelled), "text/csv", "csv"
    else:
        body, media, suffix = to_nlu_yaml(labelled, end), "application/yaml", "yml"
    return Response(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={
            **HEADERS,
            "Content-Disposition": (
                f'attachment; filename="review-{end:%Y%m%d-%H%M}.{suffix}"'
            ),
        },
    )


@router.get("/staff.css")
def stylesheet() -> Response:
    """The page's stylesheet (a file, so the CSP needs no inline style)."""
    return Response(
        (HERE / "static" / "staff.css").read_text(encoding="utf-8"),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
