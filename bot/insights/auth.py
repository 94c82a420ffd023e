"""Staff login: an argon2 password hash, server-side sessions, and a lock-out.

Create the hash once and put it in the web app's environment (never the password):

    python -m bot.insights.auth            # asks for the password twice
    STAFF_PASSWORD_HASH='$argon2id$v=19$m=65536,t=3,p=4$...'

Sessions live in the web app's memory (one process, ``scripts/run``'s ``web``): a
random token in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure`` when the
request came over TLS) and a CSRF token for the export form. After ``MAX_FAILURES``
wrong passwords from one address within ``LOCKOUT_SECONDS``, or ``MAX_FAILURES_ALL``
from all addresses, logins are refused until the window has passed.
"""

from __future__ import annotations

import getpass
import hmac
import secrets
import sys
import time
from collections import deque
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_SECONDS = 8 * 3600
LOCKOUT_SECONDS = 15 * 60
MAX_FAILURES = 5
MAX_FAILURES_ALL = 50
MAX_SESSIONS = 100

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (what ``STAFF_PASSWORD_HASH`` holds)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time in argon2)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Session:
    """A logged-in staff member's session."""

    token: str
    csrf: str
    expires: float


@dataclass
class StaffAuth:
    """Sessions and failed logins of one web app process."""

    password_hash: str
    sessions: dict[str, Session] = field(default_factory=dict)
    failures: dict[str, deque[float]] = field(default_factory=dict)
    all_failures: deque[float] = field(default_factory=deque)

    def locked(self, address: str, now: float | None = None) -> bool:
        """Whether logins from ``address`` are refused now."""
        now = time.time() if now is None else now
        self._forget(now)
        mine = self.failures.get(address)
        return (mine is not None and len(mine) >= MAX_FAILURES) or len(
            self.all_failures
        ) >= MAX_FAILURES_ALL

    def login(
        self, address: str, password: str, now: float | None = None
    ) -> Session | None:
        """A new session if the password is right and ``address`` is not locked out."""
        now = time.time() if now is None else now
        if self.locked(address, now):
            return None
        if not verify_password(self.password_hash, password):
            self.failures.setdefault(address, deque()).append(now)
            self.all_failures.append(now)
            return None
        self.failures.pop(address, None)
        session = Session(
            secrets.token_urlsafe(32), secrets.token_urlsafe(32), now + SESSION_SECONDS
        )
        self.sessions[session.token] = session
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.pop(next(iter(self.sessions)))
        return session

    def session(self, token: str | None, now: float | None = None) -> Session | None:
        """The live session of ``token``, if any."""
        now = time.time() if now is None else now
        session = self.sessions.get(token or "")
        if session is None or session.expires <= now:
            self.sessions.pop(token or "", None)
            return None
        return session

    def logout(self, token: str | None) -> None:
        """End the session of ``token``."""
        self.sessions.pop(token or "", None)

    @staticmethod
    def csrf_ok(session: Session, submitted: str | None) -> bool:
        """Whether a form's CSRF token is the session's."""
        return hmac.compare_digest(session.csrf.encode(), (submitted or "").encode())

    def _forget(self, now: float) -> None:
        cutoff = now - LOCKOUT_SECONDS
        for address in list(self.failures):
            times = self.failures[address]
            while times and times[0] < cutoff:
                times.popleft()
            if not times:
                del self.failures[address]
        while self.all_failures and self.all_failures[0] < cutoff:
            self.all_failures.popleft()


def main() -> int:
    """Ask for a password twice and print its hash for ``STAFF_PASSWORD_HASH``."""
    password = getpass.getpass("Staff password: ")
    if len(password) < 12:
        print("error: use at least 12 characters", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != password:
        print("error: the two passwords differ", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
