"""The engine against mailmerge (the command-line peer), same template, same sink, one run.

mailmerge (https://github.com/awdeorio/mailmerge, MIT) is not a dependency:
install it anywhere (``python3 -m venv /tmp/mm && /tmp/mm/bin/pip install
mailmerge``) and name its executable in MAILMERGE (default: ``mailmerge`` on
PATH). Both send N personalised messages of bench_engine's HTML template to
the same aiosmtpd sink (its own process): mailmerge timed as the whole
command (its start-up included, about 0.3 s here), the engine with every
durability guarantee on (WAL, synchronous=FULL, one write transaction a
message) and deriving a text part for each message, which mailmerge does not.
Rounds alternate so drift hits both.

    MAILMERGE=/tmp/mm/bin/mailmerge python tests/benchmarks/bench_mailmerge.py [N] [ROUNDS]
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_engine import HTML, SINK, SUBJECT, recipients, run_engine  # noqa: E402

from tests.smtp_server import free_port  # noqa: E402


def run_mailmerge(exe: str, port: int, n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "template.txt").write_text(
            "TO: {{email}}\nSUBJECT: "
            + SUBJECT.replace("{{ ", "{{").replace(" }}", "}}")
            + "\nFROM: News <news@example.com>\nCONTENT-TYPE: text/html\n\n"
            + HTML
            + "\n",
            encoding="utf-8",
        )
        with open(folder / "database.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["email", "first_name", "last_name", "code"])
            for _, email, fields in recipients(n):
                w.writerow([email, fields["first_name"], fields["last_name"], fields["code"]])
        (folder / "server.conf").write_text(
            f"[smtp_server]\nhost = 127.0.0.1\nport = {port}\n", encoding="utf-8"
        )
        t0 = time.perf_counter()
        subprocess.run(
            [
                exe,
                "--no-dry-run",
                "--no-limit",
                "--template",
                str(folder / "template.txt"),
                "--database",
                str(folder / "database.csv"),
                "--config",
                str(folder / "server.conf"),
                "--output-format",
                "raw",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return n / (time.perf_counter() - t0)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    exe = os.environ.get("MAILMERGE") or shutil.which("mailmerge")
    if not exe:
        sys.exit("mailmerge not found: install it (see this file's docstring) and set MAILMERGE")
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    try:
        mm_rates, eng_rates, ratios = [], [], []
        for _ in range(rounds):
            m = run_mailmerge(exe, port, n)
            e, _commit = run_engine(port, n)
            mm_rates.append(m)
            eng_rates.append(e)
            ratios.append(e / m)
    finally:
        sink.communicate("")
    print(f"{n} messages x {rounds} rounds, the same HTML template, sink in its own process")
    print(f"{'':28}{'median':>10}{'min':>10}{'max':>10}")
    for label, vals, fmt in (
        ("mailmerge msg/s", mm_rates, "{:10.0f}"),
        ("engine msg/s", eng_rates, "{:10.0f}"),
        ("ratio engine/mailmerge", ratios, "{:10.2f}"),
    ):
        print(
            f"{label:28}"
            + "".join(fmt.format(v) for v in (statistics.median(vals), min(vals), max(vals)))
        )
    print("target (issue 15): ratio >= 1.0")


if __name__ == "__main__":
    main()
