"""Composing one message: build_message against the email package's own API, in one run.

Both render the same templates for the same recipients and serialise the
message to the bytes sent (``as_bytes``); the baseline is the assembly as it
was (tests/compose_reference.py: ``msg[name] = value``, ``set_content``,
``add_alternative``), which parses every header with the registry. Three
campaigns: personalised HTML (the text part derived for each recipient),
the same HTML for everyone (derived once), and HTML with a text part and an
attachment. Prints CPU milliseconds per message (best of ROUNDS) and the ratio.

    python tests/benchmarks/bench_compose.py [N] [ROUNDS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailer_gui.core.config.settings import SmtpSettings  # noqa: E402
from mailer_gui.core.content import compose as C  # noqa: E402
from tests.compose_reference import KEY, NOW, reference_build  # noqa: E402

SMTP = SmtpSettings(
    host="127.0.0.1", port=25, security="none", from_addr="news@example.com", from_name="Shop Team"
)
PERSONAL = "<p>Dear {{ first_name }} {{ last_name }},</p><p>Your code: {{ code }}.</p>" * 5
SAME = "<h1>Spring sale</h1><p>Everything 20% off until Sunday.</p><ul><li>Tea</li></ul>" * 5
CAMPAIGNS = {
    "personalised HTML": C.Content(
        subject="News for {{ first_name }}", html=PERSONAL, campaign_id=1
    ),
    "same HTML for all": C.Content(subject="Spring sale", html=SAME, campaign_id=2),
    "HTML + text + file": C.Content(
        subject="Ваш счёт, {{ first_name }}",
        html=PERSONAL,
        text="Dear {{ first_name }}, your code is {{ code }}.\n",
        attachments=(("счёт.pdf", "application/pdf", b"%PDF-1.4 " * 2000),),
        campaign_id=3,
    ),
}


def fields(i: int) -> dict[str, str]:
    return {"first_name": "Ann", "last_name": f"Lee{i}", "code": f"{i:06d}"}


def per_message(build: Callable[[int], bytes], n: int, rounds: int) -> float:
    build(0)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for i in range(n):
            build(i)
        best = min(best, (time.process_time() - start) / n * 1000)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"{n} messages a round, best of {rounds}, CPU ms per message (render + as_bytes)")
    print(f"{'campaign':20s} {'email API':>10s} {'build_message':>14s} {'speed-up':>9s}")
    for label, content in CAMPAIGNS.items():

        def old(i: int, content: C.Content = content) -> bytes:
            msg = reference_build(content, SMTP, f"u{i}@example.com", fields(i), f"<{i}@e>", NOW)
            return msg.as_bytes(policy=msg.policy)

        def new(i: int, content: C.Content = content) -> bytes:
            msg = C.build_message(
                content, SMTP, f"u{i}@example.com", fields(i), f"<{i}@e>", NOW, unsub_key=KEY
            )
            return msg.as_bytes(policy=msg.policy)

        base, fast = per_message(old, n, rounds), per_message(new, n, rounds)
        print(f"{label:20s} {base:10.3f} {fast:14.3f} {base / fast:8.1f}x")


if __name__ == "__main__":
    main()
