"""Start the bot's processes (Rasa server, action server) on free loopback ports.

Shared by the end-to-end tests and the benchmarks, so both run the same stack.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent

# Benchmarks send far more from one address than the public rate limits allow.
NO_RATE_LIMIT = {"RATE_LIMIT_SENDER": "1000000", "RATE_LIMIT_ADDRESS": "1000000"}

# endpoints.scale.yml against the PostgreSQL and Redis of this machine.
SCALE_OUT_ENV = {
    "TRACKER_DB_HOST": "127.0.0.1",
    "TRACKER_DB_PORT": "5432",
    "TRACKER_DB_NAME": "test",
    "TRACKER_DB_USER": "postgres",
    "TRACKER_DB_PASSWORD": "",
    "LOCK_STORE_HOST": "127.0.0.1",
    "LOCK_STORE_PORT": "6379",
}


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port`` now."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def silent_server(port: int) -> Iterator[None]:
    """Accept connections on ``port`` and never answer (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        yield


def rss_mib(pid: int) -> float:
    """Return the resident set size of ``pid`` in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    """Wait until ``url`` answers, failing early if ``process`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@dataclass
class Bot:
    """Endpoints of a running bot."""

    rasa_url: str
    tracker_db: Path
    rasa_pid: int
    actions_pid: int

    def send(
        self, sender: str, text: str, timeout: float = 60
    ) -> list[dict[str, object]]:
        """Send one message through the REST channel; return the bot's messages."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return list(response.json())

    def texts(self, sender: str, text: str) -> str:
        """Send one message; return the bot's texts joined by newlines."""
        return "\n".join(str(m.get("text", "")) for m in self.send(sender, text))


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# For the benchmarks that start processes of their own.
stop_processes = _stop


def _environment(workdir: Path, extra_env: dict[str, str] | None) -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TRACKER_SQLITE_PATH": str(workdir / "conversations.db"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        **(extra_env or {}),
    }


def _spawn_actions(port: int, workdir: Path, log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.action_server"],
        cwd=ROOT,
        env=_environment(workdir, {"ACTION_PORT": str(port)}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@contextmanager
def running_actions(port: int, workdir: Path) -> Iterator[int]:
    """Run the action server on ``port`` until the block ends; yield its pid."""
    with open(workdir / f"actions-{port}.log", "ab") as log:
        actions = _spawn_actions(port, workdir, log)
        try:
            wait_for(f"http://127.0.0.1:{port}/health", actions)
            yield actions.pid
        finally:
            _stop([actions])


@contextmanager
def running_bot(
    model: Path,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    credentials: str = "credentials.yml",
    cors: list[str] | None = None,
    endpoints: str = "endpoints.yml",
    action_port: int | None = None,
) -> Iterator[Bot]:
    """Run the Rasa server and an action server (SQLite file in ``workdir``).

    With ``action_port`` the Rasa server expects the action server there and none is
    started: the caller starts and stops it with ``running_actions``.
    """
    port = free_port() if action_port is None else action_port
    env = _environment(
        workdir,
        {"ACTION_SERVER_URL": f"http://127.0.0.1:{port}/webhook", **(extra_env or {})},
    )
    rasa_port = free_port()
    with ExitStack() as stack:
        actions = None
        if action_port is None:
            # Started beside the Rasa server, not before it: both load at once.
            log = stack.enter_context(open(workdir / f"actions-{port}.log", "ab"))
            actions = _spawn_actions(port, workdir, log)
            stack.callback(_stop, [actions])
        rasa_log = stack.enter_context(open(workdir / "rasa.log", "ab"))
        rasa = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.rasa_server",
                "run",
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--endpoints",
                endpoints,
                "--credentials",
                credentials,
                *(["--cors", *cors] if cors else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=rasa_log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(_stop, [rasa])
        if actions is not None:
            wait_for(f"http://127.0.0.1:{port}/health", actions)
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa)
        yield Bot(
            f"http://127.0.0.1:{rasa_port}",
            workdir / "conversations.db",
            rasa.pid,
            actions.pid if actions is not None else 0,
        )


@contextmanager
def running_web_app(port: int, rasa_url: str, workdir: Path) -> Iterator[str]:
    """Run the web app (widget, demo page, rules API) with uvicorn; yield its URL."""
    env = {
        **os.environ,
        "WEB_PORT": str(port),
        "WEB_HOST": "127.0.0.1",
        "RASA_URL": rasa_url,
    }
    with open(workdir / "web.log", "wb") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "bot.web"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(f"{url}/healthz", web, seconds=60)
            yield url
        finally:
            _stop([web])
