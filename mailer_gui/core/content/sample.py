"""The sample campaign a newcomer sees first (first run and demo mode).

The recipients use the reserved ``example.com`` / ``example.org`` domains
(RFC 2606), so even a sample sent by mistake through a real account reaches
nobody. The same content is kept as files in ``resources/sample/`` for the
README's CLI walkthrough; ``write_sample_files`` regenerates them.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from mailer_gui.core.content import campaigns

SAMPLE_NAME = "Sample: spring newsletter"
SAMPLE_SUBJECT = "{{ first_name }}, our spring collection is here"

SAMPLE_HTML = """\
<!DOCTYPE html>
<html lang="en">
<body style="margin:0;padding:0;background:#f4f1ec;font-family:Arial,Helvetica,sans-serif;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0">
    <tr><td align="center" style="padding:24px;">
      <table role="presentation" width="560" cellpadding="0" cellspacing="0"
             style="background:#ffffff;border-radius:8px;">
        <tr><td style="padding:24px 32px;background:#2f6f5e;color:#ffffff;
                       border-radius:8px 8px 0 0;font-size:22px;font-weight:bold;">
          Green Leaf Tea Shop
        </td></tr>
        <tr><td style="padding:24px 32px;color:#333333;font-size:15px;line-height:1.5;">
          <p>Hello {{ first_name }},</p>
          <p>Spring has arrived at Green Leaf, and so have twelve new teas from
             the first harvest. As a friend of the shop{% if company %} and of
             everyone at {{ company }}{% endif %}, you get
             <strong>15% off</strong> until the end of the month.</p>
          <p>Use the code <strong>SPRING15</strong> at the till or online.</p>
          <p style="text-align:center;padding:12px 0;">
            <a href="https://shop.example.com/spring"
               style="background:#2f6f5e;color:#ffffff;padding:12px 24px;
                      border-radius:4px;text-decoration:none;">See the new teas</a>
          </p>
          <p>See you soon,<br>Anna from Green Leaf</p>
        </td></tr>
        <tr><td style="padding:16px 32px;color:#888888;font-size:12px;">
          You receive this because you signed up at Green Leaf.
          <a href="{{ unsubscribe_url }}" style="color:#888888;">Unsubscribe</a>.
        </td></tr>
      </table>
    </td></tr>
  </table>
</body>
</html>
"""

SAMPLE_TEXT = """\
Hello {{ first_name }},

Spring has arrived at Green Leaf, and so have twelve new teas from the first
harvest. As a friend of the shop{% if company %} and of everyone at {{ company }}{% endif %},
you get 15% off until the end of the month.

Use the code SPRING15 at the till or online:
https://shop.example.com/spring

See you soon,
Anna from Green Leaf

--
You receive this because you signed up at Green Leaf.
Unsubscribe: {{ unsubscribe_url }}
"""

# (first_name, last_name, email, company): reserved example domains only.
SAMPLE_RECIPIENTS: tuple[tuple[str, str, str, str], ...] = (
    ("Alice", "Martin", "alice.martin@example.com", "Martin Bakery"),
    ("Boris", "Ivanov", "boris.ivanov@example.org", ""),
    ("Chloé", "Dubois", "chloe.dubois@example.com", "Atelier Dubois"),
    ("Daniel", "Okafor", "daniel.okafor@example.org", "Okafor & Sons"),
    ("Elena", "Smirnova", "elena.smirnova@example.com", ""),
    ("Farid", "Haddad", "farid.haddad@example.org", "Haddad Travel"),
    ("Grace", "Kim", "grace.kim@example.com", "Kim Design"),
    ("Hugo", "Schmidt", "hugo.schmidt@example.org", ""),
    ("Ines", "García", "ines.garcia@example.com", "Café García"),
    ("Jonas", "Berg", "jonas.berg@example.org", "Berg Bikes"),
    ("Katya", "Petrova", "katya.petrova@example.com", ""),
    ("Liam", "O'Brien", "liam.obrien@example.org", "O'Brien Books"),
    ("Mei", "Chen", "mei.chen@example.com", "Chen Florist"),
    ("Nikolai", "Sokolov", "nikolai.sokolov@example.org", ""),
    ("Olivia", "Rossi", "olivia.rossi@example.com", "Rossi Pasta"),
    ("Pavel", "Novak", "pavel.novak@example.org", "Novak Print"),
    ("Quentin", "Leroy", "quentin.leroy@example.com", ""),
    ("Rosa", "Fernández", "rosa.fernandez@example.org", "Fernández Yoga"),
    ("Sven", "Larsen", "sven.larsen@example.com", "Larsen Ceramics"),
    ("Tamara", "Kuznetsova", "tamara.kuznetsova@example.org", ""),
    ("Umar", "Aziz", "umar.aziz@example.com", "Aziz Spices"),
    ("Vera", "Lebedeva", "vera.lebedeva@example.org", "Vera's Garden"),
    ("William", "Turner", "william.turner@example.com", ""),
    ("Xenia", "Morozova", "xenia.morozova@example.org", "Morozova Studio"),
    ("Yusuf", "Demir", "yusuf.demir@example.com", "Demir Carpets"),
)

CSV_COLUMNS = ("email", "first_name", "last_name", "company")


def recipients_csv() -> str:
    """The sample recipients as the UTF-8 CSV an operator would import."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for first, last, email, company in SAMPLE_RECIPIENTS:
        writer.writerow((email, first, last, company))
    return buf.getvalue()


def create_sample_campaign(session: Session, now: datetime) -> int:
    """Create the sample campaign with its recipients; returns its id.

    Runs in the caller's (write) session; the campaign is not queued, so
    nothing is sent until the operator asks for it.
    """
    campaign = campaigns.create(session, SAMPLE_NAME, SAMPLE_SUBJECT, SAMPLE_HTML, SAMPLE_TEXT, now)
    rows = [
        (i + 2, email, {"first_name": first, "last_name": last, "company": company})
        for i, (first, last, email, company) in enumerate(SAMPLE_RECIPIENTS)
    ]
    campaigns.add_recipients(session, campaign.id, rows)
    return campaign.id


def write_sample_files(folder: Path) -> list[Path]:
    """Write ``sample.html``, ``sample.txt`` and ``recipients.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sample.html": SAMPLE_HTML,
        "sample.txt": SAMPLE_TEXT,
        "recipients.csv": recipients_csv(),
    }
    out = []
    for name, content in files.items():
        path = folder / name
        path.write_text(content, encoding="utf-8", newline="\n")
        out.append(path)
    return out


if __name__ == "__main__":  # python -m mailer_gui.core.content.sample resources/sample
    import sys

    for p in write_sample_files(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/sample")):
        print(p)
