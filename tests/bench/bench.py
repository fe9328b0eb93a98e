#!/usr/bin/env python3
"""Benchmarks `arsrapport build` on the example and on generated projects.

Run through tests/bench/run.sh, which builds the release binary first; see
tests/bench/README.md. Standard library only.

For each project: one warm-up build (which must succeed), then RUNS builds of
`arsrapport build --verbose`; the table shows the median of each figure. Wall
time is measured around the process; peak memory is the process's maximum
resident set size from wait4(2), the figure `/usr/bin/time -v` prints; the
phases are the ones `--verbose` prints. Optionally, the rebuild of `serve`
after a chapter is edited, from the times `serve --verbose` prints.
"""

import argparse
import hashlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PHASE = re.compile(r"^  (\S.*?)\s+([0-9.]+) ms$")
SUMMARY = re.compile(r"^Built (\S+): (\d+) pages?, (\d+) chapters?.* in ([0-9.]+) s$")
REBUILT = re.compile(r"changed; rebuilt \S+: (\d+) pages?.* in ([0-9.]+) s(?: \(the pages in ([0-9.]+) s\))?$")
# Typst's own work; everything else is overhead of arsrapport.
TYPST = ("compile", "export")


def project_for(size, cache):
    """The generated project of `size` pages, made again if the generator changed."""
    generator = HERE / "generate.py"
    stamp = hashlib.sha256(generator.read_bytes()).hexdigest()[:16]
    root = cache / f"{size}-pages"
    stamp_file = root / ".generator"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return root
    if root.exists():
        shutil.rmtree(root)
    subprocess.run([sys.executable, str(generator), str(size), str(root)], check=True)
    stamp_file.write_text(stamp)
    return root


def run_measured(binary, root, clean, command="build"):
    """One build: wall time, peak memory (MiB, from wait4(2)), pages and the phases (ms)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: the build, output to files
        try:
            out = os.open(str(root / ".bench-out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(str(root / ".bench-err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execv(str(binary), [str(binary), command, "--verbose", "--root", str(root)])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    out = (root / ".bench-out").read_text()
    err = (root / ".bench-err").read_text()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{command} of {root} failed ({code}):\n{err}{out}")
    # A project of several documents prints phases and a summary for each: add them up.
    phases = {}
    for line in err.splitlines():
        m = PHASE.match(line)
        if m:
            phases[m.group(1)] = phases.get(m.group(1), 0.0) + float(m.group(2))
    pages = sum(int(m.group(2)) for m in map(SUMMARY.match, out.splitlines()) if m)
    if clean and "warning" in err:
        sys.exit(f"{command} of {root} gave warnings; a benchmark project must build cleanly:\n{err}")
    # ru_maxrss is in KiB on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rss": usage.ru_maxrss / 1024, "pages": pages, "phases": phases}


def sie_for(rows, cache):
    """The generated SIE file of `rows` #TRANS lines, made again if the generator changed."""
    generator = HERE / "generate_sie.py"
    stamp = hashlib.sha256(generator.read_bytes()).hexdigest()[:16]
    path = cache / f"kommun-{rows}-rows-{stamp}.se"
    if not path.exists():
        subprocess.run([sys.executable, str(generator), str(rows), str(path)], check=True)
    return path


def run_ledger(binary, path):
    """One `arsrapport ledger FILE`: wall time, CPU time and peak memory (MiB)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.execv(str(binary), [str(binary), "ledger", str(path)])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"ledger {path} failed")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def measure(binary, root, runs, clean):
    run_measured(binary, root, clean)  # warm-up: caches, and it must build
    results = [run_measured(binary, root, clean) for _ in range(runs)]
    names = []
    for r in results:
        for name in r["phases"]:
            if name not in names:
                names.append(name)
    median = {
        "wall": statistics.median(r["wall"] for r in results),
        "wall_min": min(r["wall"] for r in results),
        "wall_max": max(r["wall"] for r in results),
        "cpu": statistics.median(r["cpu"] for r in results),
        "rss": statistics.median(r["rss"] for r in results),
        "pages": results[-1]["pages"],
        "phases": {n: statistics.median(r["phases"].get(n, 0.0) for r in results) for n in names},
    }
    typst = sum(median["phases"].get(n, 0.0) for n in TYPST) / 1000
    # The share of the wall time outside typst's compile and export, per run.
    median["outside"] = statistics.median(
        max(0.0, r["wall"] - sum(r["phases"].get(n, 0.0) for n in TYPST) / 1000) / r["wall"] for r in results
    )
    median["typst"] = typst
    return median


def compare(binary, baseline, root, runs, clean):
    """Builds alternating between `baseline` and `binary`, so that both see the
    same machine: medians of wall time, CPU time and peak memory of each."""
    run_measured(baseline, root, clean)
    run_measured(binary, root, clean)
    pairs = [(run_measured(baseline, root, clean), run_measured(binary, root, clean)) for _ in range(runs)]
    return {
        key: tuple(statistics.median(p[i][key] for p in pairs) for i in (0, 1))
        for key in ("wall", "cpu", "rss")
    }


def serve_rebuild(binary, root, edits, chapter):
    """Starts `serve`, edits `chapter` `edits` times, returns the rebuild times it prints."""
    proc = subprocess.Popen(
        [str(binary), "serve", "--verbose", "--port", "0", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    lines = []
    event = threading.Condition()

    def reader():
        for line in proc.stdout:
            with event:
                lines.append(line.rstrip("\n"))
                event.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pattern, after, timeout=600):
        deadline = time.monotonic() + timeout
        with event:
            while True:
                for i in range(after, len(lines)):
                    m = re.search(pattern, lines[i])
                    if m:
                        return i, m
                left = deadline - time.monotonic()
                if left <= 0 or proc.poll() is not None:
                    proc.kill()
                    sys.exit("serve did not answer as expected:\n" + "\n".join(lines[-40:]))
                event.wait(left)

    original = chapter.read_text(encoding="utf-8")
    results = []
    try:
        i, _ = wait_for(r"^Watching ", 0)
        for n in range(edits):
            time.sleep(1.0)  # let the watcher settle, as between an author's saves
            start = len(lines)
            saved = time.perf_counter()
            chapter.write_text(original + f"\nEn mening till, ändring {n + 1}.\n", encoding="utf-8")
            i, m = wait_for(REBUILT, start)
            seen = time.perf_counter() - saved
            phases = {}
            for line in lines[start:i]:
                p = PHASE.match(line)
                if p:
                    phases[p.group(1)] = float(p.group(2))
            pages = float(m.group(3)) if m.group(3) else float(m.group(2))
            results.append({"build": float(m.group(2)), "pages": pages, "seen": seen, "phases": phases})
    finally:
        chapter.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return results


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs ({cpu}), {ram} RAM, load average {load:.2f} at the start"


def fmt_ms(ms):
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def main():
    parser = argparse.ArgumentParser(description="Benchmarks arsrapport build on generated projects.")
    parser.add_argument("--binary", default=str(REPO / "target" / "release" / "arsrapport"))
    parser.add_argument("--sizes", default="40,200,1000", help="page counts to generate, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="measured builds per project (median)")
    parser.add_argument("--no-example", action="store_true", help="leave out the example in content/")
    parser.add_argument("--serve", type=int, default=200, metavar="PAGES",
                        help="measure serve's rebuild on the project of this size (0: not at all)")
    parser.add_argument("--edits", type=int, default=5, help="chapter edits for the serve measurement")
    parser.add_argument("--cache", default=str(REPO / "target" / "bench"), help="where generated projects are kept")
    parser.add_argument("--sie-rows", default="100000,1000000",
                        help="#TRANS lines of generated SIE files to read with `arsrapport ledger` (empty: none)")
    parser.add_argument("--baseline", metavar="BINARY",
                        help="another build of arsrapport (e.g. of an earlier commit) to compare with, run by turns")
    args = parser.parse_args()

    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"{binary} does not exist: run `cargo build --release` first")
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    projects = []
    if not args.no_example:
        # A copy, so that its output/ is not the repository's.
        example = cache / "example"
        if example.exists():
            shutil.rmtree(example)
        shutil.copytree(REPO / "content", example / "content")
        projects.append(("example", example))
    for size in sizes:
        projects.append((f"{size} pages", project_for(size, cache)))

    print(f"Machine: {machine()}")
    print(f"Binary: {binary}; {args.runs} measured builds per project after one warm-up; medians.")
    print()
    rows = []
    for name, root in projects:
        print(f"  {name} …", file=sys.stderr, flush=True)
        # The example has warnings by design (rounding gaps of the real report).
        rows.append((name, measure(binary, root, args.runs, clean=name != "example")))

    phases = []
    for _, m in rows:
        for n in m["phases"]:
            if n not in phases:
                phases.append(n)
    header = ["project", "pages", "wall s", "cpu s", "ms/page", "peak MiB"] + [f"{n} ms" for n in phases] + ["outside typst"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
    for name, m in rows:
        cells = [
            name,
            str(m["pages"]),
            f"{m['wall']:.2f}",
            f"{m['cpu']:.2f}",
            f"{m['wall'] * 1000 / max(1, m['pages']):.1f}",
            f"{m['rss']:.0f}",
        ] + [fmt_ms(m["phases"].get(n, 0.0)) for n in phases] + [f"{m['outside'] * 100:.1f} %"]
        print("| " + " | ".join(cells) + " |")
    print()
    print("wall: the whole process, as a user waits for it (min–max: "
          + ", ".join(f"{name} {m['wall_min']:.2f}–{m['wall_max']:.2f} s" for name, m in rows) + ")")
    print("cpu: user + system time of the process; above the wall time where typst lays out pages in parallel")
    print("outside typst: the share of the wall time not spent in typst's compile and PDF export")
    print("html ∥: rendered on a second thread while typst compiles; not part of the wall time's sum")

    sie_rows = [int(s) for s in args.sie_rows.split(",") if s.strip()]
    if sie_rows:
        print("\nReading a kommun's SIE 4 export (`arsrapport ledger FILE`, generate_sie.py), "
              f"{args.runs} runs after one warm-up; medians:\n")
        print("| #TRANS lines | MiB | wall s | cpu s | peak MiB |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for rows in sie_rows:
            print(f"  SIE {rows} rows …", file=sys.stderr, flush=True)
            path = sie_for(rows, cache)
            run_ledger(binary, path)
            results = [run_ledger(binary, path) for _ in range(args.runs)]
            cells = [f"{rows:,}".replace(",", " "), f"{path.stat().st_size / 2**20:.0f}"] + [
                f"{statistics.median(r[key] for r in results):{f}}" for key, f in (("wall", ".2f"), ("cpu", ".2f"), ("rss", ".0f"))
            ]
            print("| " + " | ".join(cells) + " |")

    if args.baseline:
        baseline = Path(args.baseline)
        print(f"\nAgainst {baseline}, the two run by turns ({args.runs} builds each, medians):\n")
        print("| project | wall s | cpu s | peak MiB |")
        print("| --- | ---: | ---: | ---: |")
        for name, root in projects:
            print(f"  {name} against the baseline …", file=sys.stderr, flush=True)
            c = compare(binary, baseline, root, args.runs, clean=name != "example")
            cells = [name] + [
                f"{c[key][0]:{f}} → {c[key][1]:{f}} ({(c[key][1] / c[key][0] - 1) * 100:+.0f} %)"
                for key, f in (("wall", ".2f"), ("cpu", ".2f"), ("rss", ".0f"))
            ]
            print("| " + " | ".join(cells) + " |")

    if args.serve:
        root = project_for(args.serve, cache)
        chapters = sorted((root / "content" / "chapters").glob("*.md"))
        chapter = chapters[len(chapters) // 2]
        print(f"\nserve: {args.edits} edits of {chapter.name} in the {args.serve}-page project", file=sys.stderr)
        results = serve_rebuild(binary, root, args.edits, chapter)
        builds = [r["build"] for r in results]
        pages = [r["pages"] for r in results]
        seen = [r["seen"] for r in results]
        print()
        print(f"serve rebuild after editing one chapter of the {args.serve}-page project "
              f"({args.edits} edits): median {statistics.median(builds) * 1000:.0f} ms as serve reports it "
              f"(min {min(builds) * 1000:.0f}, max {max(builds) * 1000:.0f}); "
              f"{statistics.median(seen) * 1000:.0f} ms from the save to the new version, debounce included; "
              f"the new pages are shown after {statistics.median(pages) * 1000:.0f} ms "
              f"(min {min(pages) * 1000:.0f}, max {max(pages) * 1000:.0f}), before the PDF export")
        names = []
        for r in results:
            for n in r["phases"]:
                if n not in names:
                    names.append(n)
        print("  phases (median): " + ", ".join(
            f"{n} {fmt_ms(statistics.median(r['phases'].get(n, 0.0) for r in results))} ms" for n in names))


if __name__ == "__main__":
    main()
