"""Server CPU per ticket-status poll, and how many live ticket pages one app process keeps fresh.

Run: .venv/bin/python bench/queue_polls.py [--pages 500] [--seconds 30] [--interval 4]
Starts the real server (`streamlit run server.py`) on a throwaway SQLite database with the demo seed and a few
hundred waiting tickets, then on loopback:
  1. polls /api/so/{token} sequentially and divides the server process's CPU time by the number of polls, and
     measures in the same run, on the same database and tickets, the CPU of a Streamlit rerun that reads the same
     ticket status (AppTest in this process: script run and element building, without the websocket delivery, so
     the Streamlit figure is a lower bound and the ratio errs against the JSON route);
  2. runs N simulated ticket pages, each polling every `interval` seconds for `seconds`, and reports each page's
     staleness (the longest time without a fresh answer) and the server's CPU use.
Prints figures only; the goal (≥ 500 pages at ≤ 5 s staleness) is judged by a person. Stops itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTCUA_BCRYPT_ROUNDS", "4")

import httpx  # noqa: E402
from sqlalchemy import delete, insert  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, write  # noqa: E402
from db.schema import calendar_overrides, queue_hours, queue_settings  # noqa: E402
from seed.demo import seed_demo  # noqa: E402
from services.core.clock import local_today, now  # noqa: E402
from services.core.units import unit_by_code  # noqa: E402
from services.queue import setup as queue_config  # noqa: E402
from services.queue import tickets as queue  # noqa: E402

UNIT = "NGUHANHSON"
TICKETS = 300
SEQUENTIAL_POLLS = 1500
STREAMLIT_RERUNS = 200
STREAMLIT_STATUS_SCRIPT = """
import streamlit as st
from db.engine import build_engine, read
from services.queue import tickets as queue

@st.cache_resource
def engine():
    return build_engine({url!r})

@st.fragment
def status():
    with read(engine()) as conn:
        ticket = queue.ticket_status(conn, token=st.session_state["token"])
    st.metric("Số của bạn", ticket["code"])
    st.json(ticket)

status()
"""
STALE_LIMIT_S = 5.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def prepare(url: str) -> list[str]:
    """The demo database with ticket issuing open around the clock and TICKETS waiting tickets."""
    engine = build_engine(url)
    migrate.upgrade(engine)
    with write(engine) as conn:
        seed_demo(conn)
        unit_id = unit_by_code(conn, UNIT)["id"]
        _open_all_day(conn, unit_id)
        groups = queue_config.list_groups(conn, unit_id)
        tokens = []
        for i in range(TICKETS):
            group_id = groups[i % len(groups)]["id"]
            tokens.append(queue.issue_ticket(conn, unit_code=UNIT, group_id=group_id, browser_id=f"bench{i}")["token"])
    engine.dispose()
    return tokens


def _open_all_day(conn, unit_id: int) -> None:
    conn.execute(delete(queue_hours).where(queue_hours.c.unit_id == unit_id))
    hours = [{"unit_id": unit_id, "weekday": d, "starts": "00:00", "ends": "23:59"} for d in range(7)]
    conn.execute(insert(queue_hours), hours)
    conn.execute(delete(calendar_overrides).where(calendar_overrides.c.unit_id == unit_id))
    conn.execute(
        insert(calendar_overrides).values(unit_id=unit_id, day=local_today(), kind="working_day", created_at=now())
    )
    conn.execute(delete(queue_settings).where(queue_settings.c.unit_id == unit_id))
    limits = {"fairness_minutes": 20, "max_active_per_phone": 50, "max_active_per_browser": 50}
    conn.execute(insert(queue_settings).values(unit_id=unit_id, updated_at=now(), updated_by="bench", **limits))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_DEMO": "true"}
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none", "--logger.level", "error"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def sequential(base: str, tokens: list[str], pid: int) -> tuple[float, list[float]]:
    latencies = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for token in tokens[:50]:
            client.get(f"/api/so/{token}")  # warm-up
        before = cpu_seconds(pid)
        for i in range(SEQUENTIAL_POLLS):
            started = time.perf_counter()
            response = client.get(f"/api/so/{tokens[i % len(tokens)]}")
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        used = cpu_seconds(pid) - before
    return used / SEQUENTIAL_POLLS, latencies


async def live_pages(base: str, tokens: list[str], pages: int, seconds: float, interval: float) -> list[float]:
    """Each page polls every `interval` s; returns each page's staleness (longest time between fresh answers)."""
    limits = httpx.Limits(max_connections=pages, max_keepalive_connections=pages)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
        end = time.monotonic() + seconds
        return await asyncio.gather(
            *(_page(client, tokens[i % len(tokens)], end, interval, i * interval / pages) for i in range(pages))
        )


async def _page(client: httpx.AsyncClient, token: str, end: float, interval: float, offset: float) -> float:
    await asyncio.sleep(offset)
    last_fresh, worst = time.monotonic(), 0.0
    while time.monotonic() < end:
        tick = time.monotonic()
        try:
            if (await client.get(f"/api/so/{token}")).status_code == 200:
                now_ = time.monotonic()
                worst, last_fresh = max(worst, now_ - last_fresh), now_
        except httpx.HTTPError:
            pass
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - tick)))
    return max(worst, time.monotonic() - last_fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=4, help="the ticket page polls every 4 s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        print(f"preparing the demo database with {TICKETS} waiting tickets …")
        tokens = prepare(url)
        port = free_port()
        server = start_server(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            report(base, tokens, server.pid, args, url)
        finally:
            server.terminate()
            server.wait(timeout=10)


def streamlit_rerun_cpu(url: str, tokens: list[str]) -> float:
    """CPU seconds of one Streamlit rerun that shows the same ticket status (measured here, same rows)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(STREAMLIT_STATUS_SCRIPT.format(url=url), default_timeout=30)
    at.session_state["token"] = tokens[0]
    at.run()
    assert not at.exception, at.exception
    before = time.process_time()
    for i in range(STREAMLIT_RERUNS):
        at.session_state["token"] = tokens[i % len(tokens)]
        at.run()
    return (time.process_time() - before) / STREAMLIT_RERUNS


def report(base: str, tokens: list[str], pid: int, args, url: str) -> None:
    per_poll, latencies = sequential(base, tokens, pid)
    rerun_ms = streamlit_rerun_cpu(url, tokens) * 1000
    latencies.sort()
    per_poll_ms = per_poll * 1000
    p50, p95 = latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.95)] * 1000
    print(f"sequential polls: {SEQUENTIAL_POLLS}")
    print(f"  server CPU per status poll: {per_poll_ms:.2f} ms (latency p50 {p50:.1f} ms, p95 {p95:.1f} ms)")
    print(
        f"  CPU of a Streamlit rerun showing the same status (measured now, {STREAMLIT_RERUNS} reruns): "
        f"{rerun_ms:.2f} ms"
    )
    print(f"  ratio: a status poll costs {rerun_ms / per_poll_ms:.1f}x less CPU than that rerun (a lower bound)")
    print(f"  pages one core could keep at a {args.interval:g} s poll: {args.interval / per_poll:.0f}")

    before, started = cpu_seconds(pid), time.monotonic()
    staleness = asyncio.run(live_pages(base, tokens, args.pages, args.seconds, args.interval))
    busy = (cpu_seconds(pid) - before) / (time.monotonic() - started)
    staleness.sort()
    fresh = sum(1 for s in staleness if s <= STALE_LIMIT_S)
    p99 = staleness[int(len(staleness) * 0.99) - 1]
    print(
        f"live pages: {args.pages}, each polling every {args.interval:g} s for {args.seconds:g} s (client on this host)"
    )
    print(f"  staleness p50 {statistics.median(staleness):.2f} s, p99 {p99:.2f} s, max {staleness[-1]:.2f} s")
    print(f"  pages kept within {STALE_LIMIT_S:g} s: {fresh}/{args.pages}")
    print(f"  server process CPU while serving them: {busy * 100:.0f} % of one core")
    print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work skews the live figures)")


if __name__ == "__main__":
    main()
