"""Throughput and latency of the rules engine: Python API and HTTP API.

Usage:
    .venv/bin/python bench/bench_rules.py [--seconds 5] [--concurrency 8]

Starts the web app with uvicorn on a free loopback port for the HTTP part and stops
it afterwards. Prints one table; copy it into bench/RESULTS.md with this command.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

import httpx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bot.certificate import assess  # noqa: E402
from bot.certificate.explanation import explain  # noqa: E402


def cases(n: int, seed: int = 7) -> list[tuple[date, date, date]]:
    """Return ``n`` valid (birthdate, issued_on, today) triples spread over real ranges."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        issued = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 3800))
        born = issued - timedelta(days=rng.randrange(0, 36500))
        today = issued + timedelta(days=rng.randrange(0, 3650))
        out.append((born, issued, today))
    return out


def bench_python(seconds: float) -> dict[str, float]:
    data = cases(10_000)
    results = {}
    for label, with_text in (("assess()", False), ("assess()+explain()", True)):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for born, issued, today in data[:1000]:
                a = assess(born, issued, today)
                if with_text:
                    explain(a)
            count += 1000
        results[label] = count / (time.perf_counter() - start)
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def bench_http(base: str, seconds: float, concurrency: int) -> dict[str, float]:
    data = cases(10_000)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            born, issued, today = data[i % len(data)]
            i += concurrency
            t0 = time.perf_counter()
            r = await client.post(
                "/api/v1/certificates/assessment",
                json={
                    "birthdate": born.isoformat(),
                    "issued_on": issued.isoformat(),
                    "today": today.isoformat(),
                },
            )
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 200:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(k, client) for k in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    print(
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for label, rate in bench_python(args.seconds).items():
        print(f"python  {label:<22} {rate:>10,.0f} assessments/s")

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bot.web:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "none",
            "--log-level",
            "warning",
        ],
        cwd=os.path.join(os.path.dirname(__file__), ".."),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("web app did not start")
        for concurrency in (1, args.concurrency):
            r = asyncio.run(bench_http(base, args.seconds, concurrency))
            print(
                f"http    concurrency={concurrency:<3}       {r['rps']:>10,.0f} req/s  "
                f"p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                f"({r['requests']} requests, {r['errors']} errors)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
