"""A local stand-in for the LINE Messaging API, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LINE_SECRET = "e2e-channel-secret"
LINE_TOKEN = "e2e-access-token"


class FakeLine:
    """Records reply and push requests; a reply token starting "expired" gets 400."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": body,
                    }
                )
                expired = str(body.get("replyToken", "")).startswith("expired")
                status = 400 if self.path.endswith("/reply") and expired else 200
                payload = (
                    b'{"message":"Invalid reply token"}' if status == 400 else b"{}"
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            # A flood is answered in bursts (the Rasa server no longer waits for the
            # action server on each message): more than the default backlog of 5
            # connections can arrive at once, and LINE's own API takes them all.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, seconds: float = 60) -> list[dict[str, Any]]:
        """Wait until ``count`` requests arrived; return them."""
        deadline = time.monotonic() + seconds
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
