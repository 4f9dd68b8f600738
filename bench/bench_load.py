"""Load benchmark: many viewers of one dashboard server, each switching pages once a second.

Run:  python bench/bench_load.py --viewers 1,10,20 --seconds 60 [--db PATH] [--processes 2]
      (without --db: bench/results/ungdc.sqlite, the UN General Debate corpus, built once)

It starts the dashboard as a team would (`python -m streamlit run streamlit_app.py`, its own
`.streamlit/config.toml`, headless on a free loopback port) against the database, lets one viewer
open every page once (the server's first reader of the day), then for each number of viewers N
opens N sessions that speak Streamlit's own websocket protocol, as the browser does: each opens
the dashboard, then every second asks for another page chosen at random (the BackMsg
`rerun_script` with that page's hash, the browser's page switch) and waits until the server says
the run is over (the ForwardMsg `script_finished`). A viewer whose page takes longer than a second
clicks again as soon as it is drawn. Like a browser, a session tells the server which large
elements it already holds, so that those come back as references.

It prints one row per N: sessions, page requests, p50/p95/max time from the click to the end of
the page's run, the median of the sessions' first pages (a new session costs the server more),
errors (a page that showed an error or exception, a run that did not finish, a lost connection),
the server's CPU use (100% = one core) and memory at the end, and whether the server dropped
every session once the viewers left. Runs are timed on loopback: no network time is included. With
`--processes K` it starts K servers on the same database and each viewer stays with one of them,
as behind a proxy with sticky sessions (README: "Many readers at once").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dashboard.memory import allocator_settings  # noqa: E402

PAGE_TIMEOUT = 60.0  # a page not finished by then counts as an error


def start_server(db: str, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the dashboard on a free loopback port; return it once its first run has finished.

    The flags are those of the browser tests (tests/e2e/conftest.py) except the file watcher,
    which is left to `.streamlit/config.toml` so that the server behaves as a deployed one; the
    memory settings are those the README says to export (what `speechtrack dashboard` sets).
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.scriptHealthCheckEnabled", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {
        **os.environ,
        **allocator_settings(os.environ),
        "PYTHONUNBUFFERED": "1",
        "SPEECHTRACK_DB": db,
    }
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard exited early:\n{log.read_text()}")
        try:
            get(port, "/_stcore/health")
            break
        except OSError:
            if time.monotonic() - started > 60:
                proc.kill()
                raise RuntimeError(f"the dashboard not up after 60 s:\n{log.read_text()}") from None
            time.sleep(0.1)
    get(port, "/_stcore/script-health-check", timeout=300)  # the script's first run
    return proc, port


def get(port: int, path: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.read().decode()


def active_sessions(port: int) -> int:
    """The number of sessions the server holds, from its metrics endpoint."""
    for line in get(port, "/_stcore/metrics?families=active_sessions").splitlines():
        if line.startswith("active_sessions "):
            return int(float(line.split()[1]))
    raise RuntimeError("the server reports no active_sessions")


def resident_mb(pid: int) -> float:
    """Memory the process holds (resident set, Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def connect(port: int) -> websockets.connect:
    """Open a session as the browser does: the "streamlit" subprotocol, from the app's origin."""
    return websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=[websockets.Subprotocol("streamlit")],
        origin=websockets.Origin(f"http://127.0.0.1:{port}"),
        max_size=None,  # a page's table can be larger than a megabyte
    )


@dataclass
class Viewer:
    """One browser tab: a websocket session that asks for pages and waits for their runs."""

    ws: websockets.ClientConnection
    pages: list[str] = field(default_factory=list)  # page script hashes, from the server
    cached: set[str] = field(default_factory=set)  # large elements already received

    async def open_page(self, page_hash: str = "") -> tuple[float, str | None]:
        """Ask for a page ("" is the default one) and wait until its run has finished.

        Returns the seconds taken and what went wrong, if anything.
        """
        msg = BackMsg()
        msg.rerun_script.page_script_hash = page_hash
        msg.rerun_script.cached_message_hashes.extend(sorted(self.cached))
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        problem = None
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), PAGE_TIMEOUT))
            kind = fwd.WhichOneof("type")
            if fwd.metadata.cacheable:
                self.cached.add(fwd.hash)
            if kind == "navigation":
                self.pages = [p.page_script_hash for p in fwd.navigation.app_pages]
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.HasField("exception"):
                    problem = problem or "exception shown"
                elif element.HasField("alert") and element.alert.format == Alert.ERROR:
                    problem = problem or "error shown"
            elif kind == "page_not_found":
                problem = problem or "page not found"
            elif kind == "session_event" and fwd.session_event.HasField(
                "script_compilation_exception"
            ):
                problem = problem or "script does not compile"
            elif kind == "script_finished":
                if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problem = problem or f"run ended with status {fwd.script_finished}"
                return time.perf_counter() - started, problem


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)  # each session's first page
    errors: list[str] = field(default_factory=list)


async def viewer(port: int, seconds: float, rng: random.Random, tally: Tally) -> None:
    """Open the dashboard, then switch to a random other page every second for `seconds`."""
    await asyncio.sleep(rng.random())  # readers do not click in step
    try:
        async with connect(port) as ws:
            tab = Viewer(ws)
            end = time.perf_counter() + seconds
            current = ""  # the dashboard's address: its default page
            while True:
                clicked = time.perf_counter()
                elapsed, problem = await tab.open_page(current)
                tally.times.append(elapsed)
                if current == "":  # this session's first page
                    tally.first.append(elapsed)
                if problem:
                    tally.errors.append(problem)
                next_click = clicked + 1.0
                if next_click >= end:
                    break
                await asyncio.sleep(max(0.0, next_click - time.perf_counter()))
                current = rng.choice([p for p in tab.pages if p != current] or tab.pages)
    except (OSError, TimeoutError, websockets.WebSocketException) as err:
        tally.errors.append(f"{type(err).__name__}: {err}")


async def warm_up(port: int) -> None:
    """One viewer opens every page once, as the server's first reader would."""
    async with connect(port) as ws:
        tab = Viewer(ws)
        await tab.open_page()
        for page in tab.pages:
            await tab.open_page(page)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def load(
    servers: list[tuple[int, int]], viewers: int, seconds: float, seed: int
) -> dict[str, object]:
    """Run `viewers` sessions for `seconds` against the servers (port, pid): each viewer stays
    with one server, as behind a proxy with sticky sessions. Return one row of the table."""
    tally = Tally()
    cpu_before, wall_before = sum(cpu_seconds(pid) for _, pid in servers), time.monotonic()

    async def everyone() -> None:
        await asyncio.gather(
            *(
                viewer(servers[i % len(servers)][0], seconds, random.Random(seed * 1000 + i), tally)
                for i in range(viewers)
            )
        )

    asyncio.run(everyone())
    cpu_after = sum(cpu_seconds(pid) for _, pid in servers)
    cpu = (cpu_after - cpu_before) / (time.monotonic() - wall_before)
    waited = time.monotonic()
    while (left := sum(active_sessions(port) for port, _ in servers)) and (
        time.monotonic() - waited < 30
    ):
        time.sleep(0.5)
    times = tally.times or [float("nan")]
    return {
        "sessions": viewers,
        "requests": len(tally.times),
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "max": max(times),
        "first": statistics.median(tally.first or [float("nan")]),
        "errors": len(tally.errors),
        "cpu": cpu,
        "memory": sum(resident_mb(pid) for _, pid in servers),
        "cleaned": "yes" if left == 0 else f"no ({left} left)",
        "problems": sorted(set(tally.errors)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", default="1,10,20", help="numbers of viewers, e.g. 1,10,20")
    parser.add_argument("--seconds", type=float, default=60, help="how long each N clicks")
    parser.add_argument("--db", help="the corpus database (default: the UN corpus, built once)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the viewers' page choices")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes on the same database, each viewer staying with one (as behind a "
        "proxy with sticky sessions); CPU and memory are their sums",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.viewers.split(",")]

    db = args.db
    if db is None:
        from bench_dashboard import RESULTS, build_ungdc, ensure_themes

        RESULTS.mkdir(parents=True, exist_ok=True)
        build_ungdc(RESULTS / "ungdc.sqlite")
        ensure_themes(RESULTS / "ungdc.sqlite")
        db = str(RESULTS / "ungdc.sqlite")

    with tempfile.TemporaryDirectory() as tmp:
        logs = [Path(tmp) / f"server{i}.log" for i in range(args.processes)]
        procs: list[subprocess.Popen[bytes]] = []
        servers: list[tuple[int, int]] = []  # port, process id
        try:
            for log in logs:
                print(f"Starting the dashboard on {db} ...", flush=True)
                started = time.monotonic()
                proc, port = start_server(db, log)
                procs.append(proc)
                print(f"  first run done in {time.monotonic() - started:.1f} s", flush=True)
                started = time.monotonic()
                asyncio.run(warm_up(port))
                print(f"  every page opened once in {time.monotonic() - started:.1f} s", flush=True)
                servers.append((port, proc.pid))
            rows = []
            for n in counts:
                print(f"{n} viewer(s) for {args.seconds:.0f} s ...", flush=True)
                rows.append(load(servers, n, args.seconds, args.seed))
        finally:
            for proc in procs:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        server_log = "".join(log.read_text() for log in logs)

    print()
    print(
        f"{'sessions':>8} {'requests':>8} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
        f"{'first page p50 s':>16} {'errors':>6} {'server CPU':>10} {'server MB':>9}  "
        "sessions cleaned up"
    )
    for row in rows:
        print(
            f"{row['sessions']:>8} {row['requests']:>8} {row['p50']:>6.2f} {row['p95']:>6.2f} "
            f"{row['max']:>6.2f} {row['first']:>16.2f} {row['errors']:>6} {row['cpu']:>10.0%} "
            f"{row['memory']:>9.0f}  {row['cleaned']}"
        )
    problems = sorted({p for row in rows for p in row["problems"]})  # type: ignore[attr-defined]
    for problem in problems:
        print(f"  error: {problem}")
    if problems and "Traceback" in server_log:
        print("\nThe server logged:\n" + server_log[-3000:])
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
