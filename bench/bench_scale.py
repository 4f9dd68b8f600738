"""Benchmark of speech-tracker at scale: import, themes, figures and the dashboard, by corpus size.

Run:  python bench/bench_scale.py                                   (both backends, 1,000 to 10,924)
      python bench/bench_scale.py --backend sqlite --sizes 1000,3000,10924
      SPEECHTRACK_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres \\
          python bench/bench_scale.py --backend postgresql --sizes 1000

For each backend and each size N it takes the first N UN General Debate speeches
(../shared/corpora/ungdc), writes them to a JSONL table and, in a new database:
  1. imports the table with `speechtrack import-table` (the bulk path users run),
  2. fits the themes with `speechtrack themes`,
  3. extracts the cited figures with `speechtrack figures`,
each as its own process, timing it and sampling the peak memory (RSS) of its process tree; then
  4. starts `streamlit run` on that database and drives headless Chromium: each page opened once
     (cold: the first visit since the server started), the wait for background jobs, each page
     switched to through the sidebar three times (warm: the median), and one upload of a short
     speech: read and shown for confirmation, then from the store button until the Overview
     counts it; the server's process tree is sampled throughout.
It prints one table per backend (step x size, seconds and MB) with the targets and how each step
grows from the smallest to the largest size, flagging hot paths that grow faster than the corpus.
PostgreSQL runs use SPEECHTRACK_BENCH_PG_URL, else SPEECHTRACK_TEST_PG_URL, and create (then drop)
a new database per size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard import UNGDC, nav, ungdc_speeches  # noqa: E402

FULL_SIZE = 10_924
DEFAULT_SIZES = (1_000, 3_000, FULL_SIZE)
PAGES = ("Overview", "Speech", "Themes", "Compare", "Figures", "Terms", "Upload")
BUSY_TEXTS = ("being counted", "being extracted")
BACKGROUND_LIMIT_S = 1_800
MB = 1024 * 1024

# step -> (target, limit): seconds for steps, MB for memory; full-size targets only where noted
CLI_TARGETS = {"import": 60.0, "themes": 120.0, "figures": 120.0}
WARM_TARGET_S = 1.0
UPLOAD_TARGET_S = 2.0
DASHBOARD_RSS_TARGET_MB = 2048.0


# -- memory of a process tree ------------------------------------------------------------------


def _tree_rss_proc(root: int) -> int:
    """Return the summed resident memory (bytes) of `root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def _tree_rss_psutil(root: int) -> int:
    import psutil

    try:
        parent = psutil.Process(root)
        procs = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


try:
    import psutil  # noqa: F401

    tree_rss: Callable[[int], int] = _tree_rss_psutil
except ImportError:
    tree_rss = _tree_rss_proc


class PeakMemory:
    """Sample the resident memory of a process tree in a thread; keep the peak."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        """Stop sampling; return the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / MB


# -- databases ----------------------------------------------------------------------------------


def pg_admin_url() -> str:
    return os.environ.get("SPEECHTRACK_BENCH_PG_URL") or os.environ.get(
        "SPEECHTRACK_TEST_PG_URL", ""
    )


@contextmanager
def fresh_database(backend: str, folder: Path, size: int) -> Iterator[str]:
    """Yield the URL of a new, empty database; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'corpus-{size}.sqlite'}"
        return
    from tests.conftest import fresh_pg_database

    yield from fresh_pg_database(pg_admin_url(), prefix="speechtrack_bench")


def write_table(path: Path, size: int) -> int:
    """Write the first `size` UN speeches as a JSONL table that `import-table` reads; return rows."""
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        for speech in ungdc_speeches():
            if rows == size:
                break
            record = {
                "title": speech.title,  # type: ignore[attr-defined]
                "speaker": speech.speaker,  # type: ignore[attr-defined]
                "role": speech.role,  # type: ignore[attr-defined]
                "country": speech.country,  # type: ignore[attr-defined]
                "place": speech.place,  # type: ignore[attr-defined]
                "year": speech.delivered_on.year,  # type: ignore[attr-defined]
                "source": speech.source,  # type: ignore[attr-defined]
                "text": speech.text,  # type: ignore[attr-defined]
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
    return rows


# -- measurements -------------------------------------------------------------------------------


@dataclass
class Result:
    """What one backend measured at one size: step -> seconds, step -> MB."""

    seconds: dict[str, float] = field(default_factory=dict)
    mb: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def speechtrack() -> list[str]:
    script = Path(sys.executable).parent / "speechtrack"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


def run_cli(step: str, args: list[str], url: str, log: Path, result: Result) -> bool:
    """Run one `speechtrack` command; record its wall time and its tree's peak memory."""
    command = [*speechtrack(), "--db", url, *args]
    print(f"  {step}: {' '.join(command[1:])}", flush=True)
    with open(log, "w") as out, open(log.with_suffix(".err"), "w") as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        memory = PeakMemory(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss (KB) catches a peak of the command itself between two samples
    peak = max(memory.stop(), usage.ru_maxrss / 1024)
    print(f"    {elapsed:7.1f} s  {peak:6.0f} MB", flush=True)
    if proc.returncode != 0:
        tail = log.with_suffix(".err").read_text()[-2000:]
        result.notes.append(f"{step} failed (exit {proc.returncode}): {tail.strip()}")
        print(f"    failed:\n{tail}", flush=True)
        return False
    result.seconds[step], result.mb[step] = elapsed, peak
    return True


def stored_count(url: str) -> int:
    from corpus.store import CorpusStore

    store = CorpusStore(url)
    try:
        return len(store.catalogue())
    finally:
        store.dispose()


def timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def _busy(page) -> bool:  # type: ignore[no-untyped-def]
    return any(page.get_by_text(text).count() for text in BUSY_TEXTS)


def dashboard(browser, url: str, folder: Path, repeats: int, result: Result) -> None:  # type: ignore[no-untyped-def]
    """Start `streamlit run` on the database and time the pages and an upload in Chromium."""
    from conftest import IDLE, start_server, stop_server, wait_idle

    started = time.monotonic()
    proc, app = start_server(url, folder / "server.log")  # type: ignore[arg-type]
    memory = PeakMemory(proc.pid)
    result.seconds["dashboard start"] = time.monotonic() - started
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(600_000)

        def first_page() -> None:
            page.goto(app)
            page.get_by_test_id("stMain").get_by_test_id("stHeading").first.wait_for()
            page.locator(IDLE).wait_for()
            wait_idle(page)

        result.seconds["Overview (cold)"] = timed(first_page)
        for name in PAGES[1:]:
            result.seconds[f"{name} (cold)"] = timed(partial(nav, page, name))
            print(f"    {name} (cold) {result.seconds[f'{name} (cold)']:6.2f} s", flush=True)
        # term counts and figures are computed in the background on large corpora
        waited = time.monotonic()
        for name in ("Compare", "Figures"):
            nav(page, name)
            while _busy(page) and time.monotonic() - waited < BACKGROUND_LIMIT_S:
                page.wait_for_timeout(5_000)
                nav(page, "Terms")
                nav(page, name)
        result.seconds["background jobs done"] = time.monotonic() - waited
        warm: dict[str, list[float]] = {name: [] for name in PAGES}
        order = (*PAGES[1:], PAGES[0])  # each switch leaves a different page
        for _ in range(repeats):
            for name in order:
                warm[name].append(timed(partial(nav, page, name)))
        for name in PAGES:
            result.seconds[f"{name} (warm)"] = statistics.median(warm[name])
        shown, stored = upload(page, folder)
        result.seconds["upload read, shown for confirmation"] = shown
        result.seconds["stored until Overview counts it"] = stored
    finally:
        context.close()
        result.mb["dashboard server"] = memory.stop()
        stop_server(proc)


def upload(page, folder: Path) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Upload one short speech through the Upload page and store it.

    Returns the time until it is read and shown for confirmation (the user then checks its
    metadata), and the time from the store button until the Overview counts it.
    """
    count = page.get_by_test_id("stMetricValue").first  # Overview is the current page
    before = int(re.sub(r"\D", "", count.inner_text()))
    sample = folder / "scale-upload.txt"
    sample.write_text(
        "Remarks at a scale benchmark meeting, Geneva, 3 March 2024\n\n"
        + "The speech talks about water, cooperation and over 40 countries. " * 40,
        encoding="utf-8",
    )
    nav(page, "Upload")
    button = page.get_by_role("button", name="Store 1 speech(es)")

    def read() -> None:
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(sample))
        button.wait_for()

    def store() -> None:
        button.click()
        page.get_by_text("1 added").wait_for()
        nav(page, "Overview")
        page.get_by_test_id("stMetricValue").first.get_by_text(f"{before + 1:,}").wait_for()

    return timed(read), timed(store)


# -- one backend, one size ----------------------------------------------------------------------


def measure(backend: str, size: int, table: Path, folder: Path, browser, repeats: int) -> Result:  # type: ignore[no-untyped-def]
    result = Result()
    with fresh_database(backend, folder, size) as url:
        if not run_cli(
            "import", ["import-table", str(table), "--quiet"], url, folder / "import.log", result
        ):
            return result  # fmt: skip
        result.notes.append(f"{stored_count(url):,} speeches stored (with the seed)")
        run_cli("themes", ["themes", "--format", "csv"], url, folder / "themes.log", result)
        run_cli("figures", ["figures", "--format", "csv"], url, folder / "figures.log", result)
        try:
            dashboard(browser, url, folder, repeats, result)
        except Exception:  # noqa: BLE001 - report the failure in the table, go on with the next size
            result.notes.append(f"dashboard failed: {traceback.format_exc(limit=3).strip()}")
            print(result.notes[-1], flush=True)
    return result


# -- the table ----------------------------------------------------------------------------------


def rows() -> list[tuple[str, str, str, bool]]:
    """(step, unit, target, hot path): the rows of the table in order."""
    out = [(step, "s+MB", f"< {limit:.0f} s at full size", False) for step, limit in CLI_TARGETS.items()]  # fmt: skip
    out.append(("dashboard start", "s", "-", False))
    out += [(f"{name} (cold)", "s", "-", False) for name in PAGES]
    out.append(("background jobs done", "s", "-", False))
    out += [(f"{name} (warm)", "s", f"< {WARM_TARGET_S:.0f} s", True) for name in PAGES]
    out.append(("upload read, shown for confirmation", "s", "-", True))
    out.append(("stored until Overview counts it", "s", f"< {UPLOAD_TARGET_S:.0f} s", True))
    out.append(("dashboard server", "MB", f"< {DASHBOARD_RSS_TARGET_MB:.0f} MB", False))
    return out


def _limit(step: str, size: int) -> tuple[float, str] | None:
    """Return the target of a step at a size and its unit, or None where there is none."""
    if step in CLI_TARGETS:
        return (CLI_TARGETS[step], "s") if size >= FULL_SIZE else None
    if step.endswith("(warm)"):
        return WARM_TARGET_S, "s"
    if step.startswith("stored"):
        return UPLOAD_TARGET_S, "s"
    if step == "dashboard server":
        return DASHBOARD_RSS_TARGET_MB, "MB"
    return None


def _cell(result: Result, step: str, unit: str) -> str:
    seconds, mb = result.seconds.get(step), result.mb.get(step)
    if unit == "MB":
        return "-" if mb is None else f"{mb:,.0f} MB"
    if seconds is None:
        return "-"
    return f"{seconds:.2f} s" + (f" {mb:,.0f} MB" if unit == "s+MB" and mb is not None else "")


def print_table(backend: str, results: dict[int, Result]) -> None:
    sizes = sorted(results)
    low, high = sizes[0], sizes[-1]
    head = ["step", *(f"{s:,}" for s in sizes), "target", "status"]
    if len(sizes) > 1:
        head.append(f"growth {high:,}/{low:,} (size x{high / low:.1f})")
    lines = [head]
    for step, unit, target, hot in rows():
        line = [step, *(_cell(results[s], step, unit) for s in sizes), target]
        misses = []
        for s in sizes:
            limit = _limit(step, s)
            value = (results[s].mb if unit == "MB" else results[s].seconds).get(step)
            if limit is not None and value is not None and value >= limit[0]:
                misses.append(f"{s:,}")
        judged = any(_limit(step, s) is not None for s in sizes)
        line.append(("MISS at " + ", ".join(misses)) if misses else ("ok" if judged else ""))
        if len(sizes) > 1:
            line.append(_growth(results, step, unit, low, high, hot))
        lines.append(line)
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    print(
        f"\n{backend}: first N UN General Debate speeches (+ the seed); peak RSS of process trees"
    )
    for row in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if high < FULL_SIZE:
        print(
            f"(the full-size targets apply at {FULL_SIZE:,} speeches, which this run did not reach)"
        )
    for size in sizes:
        for note in results[size].notes:
            print(f"{size:,}: {note}")


def _growth(results: dict[int, Result], step: str, unit: str, low: int, high: int, hot: bool) -> str:  # fmt: skip
    table = "mb" if unit == "MB" else "seconds"
    a, b = getattr(results[low], table).get(step), getattr(results[high], table).get(step)
    if not a or b is None:
        return "-"
    ratio = b / a
    flag = "  FASTER THAN LINEAR (hot path)" if hot and ratio > high / low else ""
    return f"x{ratio:.1f}{flag}"


# -- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated numbers of UN speeches (at most 10924)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="warm page switches per page")
    args = parser.parse_args()
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes {args.sizes!r} is not a list of numbers; write e.g. 1000,3000")
    if not sizes or sizes[0] < 1 or sizes[-1] > FULL_SIZE:
        parser.error(f"--sizes must lie between 1 and {FULL_SIZE}")
    if not UNGDC.exists():
        print(f"No UN corpus at {UNGDC}; put ../shared/corpora beside the checkout.", file=sys.stderr)  # fmt: skip
        return 1
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not pg_admin_url():
        print(
            "No PostgreSQL server given: set SPEECHTRACK_BENCH_PG_URL (or SPEECHTRACK_TEST_PG_URL) "
            "to run the PostgreSQL part.",
            file=sys.stderr,
        )
        if args.backend == "postgresql":
            return 1
        backends.remove("postgresql")

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    all_results: dict[str, dict[int, Result]] = {b: {} for b in backends}
    with tempfile.TemporaryDirectory(prefix="speechtrack-scale-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Load average at the start (1, 5, 15 min): {load} on {os.cpu_count()} cores")
        tables = {}
        for size in sizes:
            tables[size] = Path(tmp) / f"ungdc-{size}.jsonl"
            written = write_table(tables[size], size)
            print(f"Wrote {written:,} speeches to {tables[size]}", flush=True)
        for backend in backends:
            for size in sizes:
                print(f"\n== {backend}, {size:,} speeches", flush=True)
                folder = Path(tmp) / f"{backend}-{size}"
                folder.mkdir()
                all_results[backend][size] = measure(
                    backend, size, tables[size], folder, browser, args.repeats
                )
        browser.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nLoad average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    for backend in backends:
        print_table("SQLite" if backend == "sqlite" else "PostgreSQL", all_results[backend])
    return 0


if __name__ == "__main__":
    sys.exit(main())
