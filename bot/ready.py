"""Wait until every process of the bot answers its health check, then say so.

Run by scripts/run beside the servers (Procfile ``ready``). On time-out it exits with an
error, which makes honcho stop the others: the bot is either fully up or not at all.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 300


def healthy(url: str) -> bool:
    """Tell whether ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URLs
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    """Poll the health endpoints of Rasa, the action server and the web app."""
    env = os.environ
    checks = {
        "rasa": f"http://127.0.0.1:{env.get('RASA_PORT', '5005')}/",
        "actions": f"http://127.0.0.1:{env.get('ACTION_PORT', '5055')}/health",
        "web": f"http://127.0.0.1:{env.get('WEB_PORT', '8000')}/healthz",
    }
    deadline = time.monotonic() + TIMEOUT_SECONDS
    waiting = dict(checks)
    while waiting and time.monotonic() < deadline:
        waiting = {name: url for name, url in waiting.items() if not healthy(url)}
        if waiting:
            time.sleep(1)
    if waiting:
        print(
            f"not ready after {TIMEOUT_SECONDS} s: {', '.join(waiting)}",
            file=sys.stderr,
        )
        sys.exit(1)
    print(
        f"ready: chat demo http://localhost:{env.get('WEB_PORT', '8000')}/", flush=True
    )
    while True:  # honcho stops every process when one exits
        time.sleep(3600)


if __name__ == "__main__":
    main()
