#!/usr/bin/env python3
"""Attacks a running `arsrapport serve` and shows that it still answers.

Starts the preview on a copy of tests/fixtures/base, then, one after the
other: a client streaming an endless header, 2 000 idle connections, clients
trickling their request one byte a second, a save that cannot be built and a
save with figures at the limit of the decimal type. During and after each, a
normal request must be answered with the last good page, and the preview
must still run. (No input is known to make a rebuild panic; that the preview
survives one is the unit test a_build_that_panics_leaves_the_last_good_version_served.)

Usage: tests/serve-attack.py [PATH-TO-ARSRAPPORT]   (default: target/release/arsrapport)
Exit code 0 when the preview held, 1 with the reason when it did not.
"""

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# How long any wait may last: only keeps a broken preview from hanging CI.
GIVE_UP = 60
# A normal request during an attack must be answered within this.
PROMPT = 10


def fail(message):
    print(f"serve-attack: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def request(port, path, timeout=GIVE_UP):
    """A GET to the preview: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.") else 0
    return status, body.decode("utf-8", "replace")


def answers_promptly(port, what, text="Årets resultat"):
    started = time.monotonic()
    try:
        status, body = request(port, "/01-ekonomi.html", timeout=PROMPT)
    except OSError as e:
        fail(f"{what}: a normal request was not answered: {e}")
    took = time.monotonic() - started
    if status != 200 or text not in body:
        fail(f"{what}: a normal request got {status}:\n{body[:500]}")
    if took > PROMPT:
        fail(f"{what}: a normal request took {took:.1f} s")
    print(f"  {what}: a normal request answered in {took:.2f} s")


def wait_for(port, path, text):
    deadline = time.monotonic() + GIVE_UP
    while time.monotonic() < deadline:
        status, body = request(port, path)
        if text in body:
            return body
        time.sleep(0.1)
    fail(f"gave up waiting for {text!r} at {path}; last answer {status}:\n{body[:1000]}")


def endless_header(port, sent):
    """Sends one header line for ever (256 MiB at most), until the preview
    closes the connection; sent[1] tells whether it did."""
    with socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ")
        chunk = b"a" * 4096
        try:
            while sent[0] < 256 * 1024 * 1024:
                s.sendall(chunk)
                sent[0] += len(chunk)
        except OSError:
            sent[1] = True


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "target/release/arsrapport")
    if not binary.exists():
        fail(f"no binary at {binary}; build it with `cargo build --release`")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))

    project = Path(tempfile.mkdtemp(prefix="serve-attack-"))
    shutil.copytree(REPO / "tests/fixtures/base", project, dirs_exist_ok=True)
    log = open(project / "serve.log", "w+")
    serve = subprocess.Popen(
        [str(binary), "serve", "--port", "0", "--root", str(project)],
        stdout=subprocess.PIPE, stderr=log, text=True,
    )
    try:
        port = None
        for line in serve.stdout:
            if "http://127.0.0.1:" in line:
                port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                break
        if port is None:
            fail("the preview did not start")
        threading.Thread(target=lambda: [None for _ in serve.stdout], daemon=True).start()
        print(f"serve-attack: the preview listens on port {port}")
        answers_promptly(port, "before the attacks")

        # 1. An endless header.
        sent = [0, False]
        attacker = threading.Thread(target=endless_header, args=(port, sent), daemon=True)
        attacker.start()
        time.sleep(0.5)
        answers_promptly(port, "while a header streams without end")
        attacker.join(GIVE_UP)
        if attacker.is_alive() or not sent[1]:
            fail(f"the preview read the endless header for {sent[0]} bytes without closing it")
        print(f"  the endless header was cut off after {sent[0]} bytes were sent")

        # 2. 2 000 idle connections.
        idle = []
        for _ in range(2000):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP))
            except OSError as e:
                fail(f"opening idle connection {len(idle) + 1}: {e}")
        answers_promptly(port, "with 2 000 idle connections open")
        for s in idle:
            s.close()
        answers_promptly(port, "after the idle connections")

        # 3. Requests trickling in one byte a second.
        trickling = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
        for second in range(3):
            for s in trickling:
                try:
                    s.send(b"G")
                except OSError:
                    pass
            time.sleep(1)
        answers_promptly(port, "with 100 requests trickling in")
        for s in trickling:
            s.close()

        # 4. A save that cannot be built.
        chapter = project / "content/chapters/01-ekonomi.md"
        good = chapter.read_text()
        chapter.write_text(good + "\n{{ data.saknas.x }}\n")
        wait_for(port, "/__arsrapport/poll?since=0", "content/chapters/01-ekonomi.md:")
        answers_promptly(port, "after a save that cannot be built")

        # 5. Figures at the limit of the decimal type, summed.
        chapter.write_text(good)
        wait_for(port, "/__arsrapport/poll?since=0", '"error":null')
        huge = "79228162514264337593543950335"
        (project / "content/data/overflow.yaml").write_text(
            "defaults:\n  unit: kr\n  columns: [\"2013\"]\n\ntables:\n  - id: of\n    title: Overflow\n    rows:\n"
            f"      - {{id: a, label: A, values: [{huge}]}}\n"
            f"      - {{id: b, label: B, values: [{huge}]}}\n"
            "      - {id: s, label: S, sum: [a, b]}\n"
        )
        state = json.loads(wait_for(port, "/__arsrapport/poll?since=0", '"error":"'))
        first = state["error"].splitlines()[0]
        print(f"  the figures at the limit were reported: {first}")
        answers_promptly(port, "after a rebuild with figures at the limit")

        # Still alive, and still rebuilding.
        (project / "content/data/overflow.yaml").unlink()
        chapter.write_text(good + "\nEfter angreppen.\n")
        wait_for(port, "/01-ekonomi.html", "Efter angreppen.")
        if serve.poll() is not None:
            fail(f"the preview ended with {serve.returncode}")
        print("serve-attack: the preview held and still rebuilds")
    finally:
        serve.kill()
        serve.wait()
        log.seek(0)
        if os.environ.get("SERVE_ATTACK_LOG"):
            print(log.read(), file=sys.stderr)
        log.close()
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
