"""Composition: headers that cannot be injected, unsubscribe headers, the text
part, template errors, attachments delivered intact through the real engine
to a real SMTP server."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer_gui.core.audience import unsubscribe
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.content import attachments, campaigns, compose
from mailer_gui.core.content.compose import (
    Content,
    HeaderInjectionError,
    TemplateRenderError,
    build_message,
)
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine

from .conftest import configure

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
SMTP = SmtpSettings(
    host="smtp.example.com",
    port=587,
    security="starttls",
    from_addr="news@example.com",
    from_name="Example News",
)
SMTP_URL = SmtpSettings(
    host="smtp.example.com",
    port=587,
    security="starttls",
    from_addr="news@example.com",
    from_name="Example News",
    unsubscribe_url="https://example.com/unsub",
)
BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
BASE_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "list-id",
    "list-unsubscribe",
    "mime-version",
    "content-type",
}
KEY = bytes(range(32))


def parse(msg):
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def build(content=None, smtp=SMTP, to="ann@example.org", fields=None):
    content = content or Content(
        "Hi {{ first_name }}", "<p>Dear {{ first_name }}</p>", campaign_id=7, name="Spring news"
    )
    return build_message(
        content,
        smtp,
        to,
        fields or {"first_name": "Ann"},
        compose.new_message_id(smtp.from_addr),
        NOW,
        unsub_key=KEY,
    )


# ----------------------------------------------------------------- headers


header_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


def _headers_property(subject, name, from_name, reply, url):
    """Exactly the expected headers, one recipient, nothing injected, round trip."""
    smtp = SmtpSettings(
        host="h",
        port=587,
        security="starttls",
        from_addr="news@example.com",
        from_name=from_name,
        reply_to="help@example.com" if reply else "",
        unsubscribe_url="https://example.com/u" if url else "",
    )
    content = Content("{{ pre }}{{ first_name }}", "<p>{{ first_name }}</p>")
    fields = {"pre": subject, "first_name": name}
    rendered_subject = subject + name
    if BAD.search(rendered_subject) or BAD.search(from_name):
        with pytest.raises(HeaderInjectionError) as err:
            build_message(content, smtp, "ann@example.org", fields, "<id@example.com>", NOW)
        assert err.value.field == ("subject" if BAD.search(rendered_subject) else "from")
        return
    msg = build_message(content, smtp, "ann@example.org", fields, "<id@example.com>", NOW)
    back = parse(msg)
    expected = set(BASE_HEADERS)
    if reply:
        expected.add("reply-to")
    if url:
        expected.add("list-unsubscribe-post")
    names = [k.lower() for k in back.keys()]
    assert sorted(names) == sorted(expected)  # each exactly once, nothing injected
    assert len(back["To"].addresses) == 1 and back["To"].addresses[0].addr_spec == "ann@example.org"
    assert str(back["Subject"]) == compose.header_text(rendered_subject)
    # Python's address parser puts a space between adjacent encoded-words, which
    # RFC 2047 says to ignore; compare display names without whitespace.
    assert _nows(back["From"].addresses[0].display_name) == _nows(compose.header_text(from_name))
    assert len(back["From"].addresses) == 1
    assert back["From"].addresses[0].addr_spec == "news@example.com"
    assert back["Message-ID"] == "<id@example.com>"
    assert f"<p>{_escape(name)}</p>" in back.get_body(("html",)).get_content()


_HEADER_STRATEGIES = dict(
    subject=header_text,
    name=header_text,
    from_name=header_text,
    reply=st.booleans(),
    url=st.booleans(),
)
test_headers_round_trip = settings(max_examples=500, deadline=None)(
    given(**_HEADER_STRATEGIES)(_headers_property)
)
test_headers_round_trip_10k = pytest.mark.slow(
    settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])(
        given(**_HEADER_STRATEGIES)(_headers_property)
    )
)


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _escape(s: str) -> str:
    from markupsafe import escape

    return str(escape(s))


@pytest.mark.parametrize(
    "bad", ["\r", "\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "x\r\nBcc: victim@example.net"]
)
def test_every_header_field_refuses_line_breaks(bad):
    with pytest.raises(HeaderInjectionError, match="^subject: ") as e:
        build(fields={"first_name": f"Ann{bad}"})
    assert e.value.field == "subject"
    with pytest.raises(HeaderInjectionError) as e:
        build(
            smtp=SmtpSettings(
                host="h", port=1, security="none", from_addr="n@example.com", from_name=f"News{bad}"
            )
        )
    assert e.value.field == "from"
    with pytest.raises(TemplateRenderError) as e:
        build(to=f"ann@example.org{bad}")
    assert e.value.field == "to"
    with pytest.raises(TemplateRenderError) as e:
        build(Content("s", "<p>x</p>", reply_to=f"r@example.com{bad}"))
    assert e.value.field == "reply_to"
    with pytest.raises(HeaderInjectionError) as e:
        build(Content("s", "<p>x</p>", attachments=((f"a{bad}.txt", "text/plain", b"x"),)))
    assert e.value.field == "attachment"


def test_standard_headers_and_message_id_from_sender_domain():
    msg = parse(build(Content("Hi", "<p>x</p>", reply_to="help@example.com")))
    assert msg["From"] == "Example News <news@example.com>"
    assert msg["Reply-To"] == "help@example.com"
    assert msg["Date"] == "Wed, 25 Nov 2026 07:00:00 +0000"
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.com>", msg["Message-ID"])
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


# ----------------------------------------------------------------- unsubscribe


def test_list_unsubscribe_mailto_only_without_url():
    msg = parse(build())
    value = msg["List-Unsubscribe"]
    assert re.fullmatch(r"<mailto:news@example\.com\?subject=unsubscribe%20[\w.-]+>", value)
    assert unsubscribe.verify(KEY, value.strip("<>")) == (7, "ann@example.org")
    assert msg["List-Unsubscribe-Post"] is None
    assert re.fullmatch(r'"Spring news" <c7\.[0-9a-f]{8}\.example\.com>', msg["List-Id"])


def test_list_unsubscribe_one_click_with_url():
    msg = parse(build(smtp=SMTP_URL, to="o'neil+tag@example.org"))
    value = msg["List-Unsubscribe"]
    items = [v.strip() for v in value.split(",")]
    assert re.fullmatch(r"<mailto:news@example\.com\?subject=unsubscribe%20[\w.-]+>", items[0])
    assert re.fullmatch(r"<https://example\.com/unsub\?u=[\w.-]+>", items[1])
    for item in items:  # each carries the recipient's code, not the bare address
        assert "neil" not in item
        assert unsubscribe.verify(KEY, item.strip("<>")) == (7, "o'neil+tag@example.org")
    assert all(re.fullmatch(r"<[^<>\s]+>", i) for i in items)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribe_url_is_a_template_builtin():
    content = Content("s", '<a href="{{ unsubscribe_url }}">Unsubscribe</a>', campaign_id=7)
    html = parse(build(content, smtp=SMTP_URL)).get_body(("html",)).get_content()
    href = re.search(r'href="(https://example\.com/unsub\?u=[\w.-]+)"', html)
    assert href and unsubscribe.verify(KEY, href.group(1)) == (7, "ann@example.org")


# ----------------------------------------------------------------- bodies


def test_text_part_derived_from_html_keeps_structure_and_links():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<h1>Sale &amp; news</h1><p>Dear {{ first_name }},</p>"
        '<p>See <a href="https://example.com/x?a=1&amp;b=2">our offer</a>.</p>'
        "<ul><li>one</li><li>two</li></ul></body></html>"
    )
    text = parse(build(Content("s", html))).get_body(("plain",)).get_content()
    assert "Sale & news" in text and "Dear Ann," in text
    assert "[our offer](https://example.com/x?a=1&b=2)" in text
    assert "* one" in text and "* two" in text
    assert "<" not in text and "alert" not in text and "color" not in text


def test_given_text_part_is_used_and_html_is_escaped():
    msg = parse(
        build(
            Content("s", "<p>{{ first_name }}</p>", text="Hi {{ first_name }}"),
            fields={"first_name": "<b>Ann</b>"},
        )
    )
    assert msg.get_body(("plain",)).get_content().strip() == "Hi <b>Ann</b>"
    assert "<p>&lt;b&gt;Ann&lt;/b&gt;</p>" in msg.get_body(("html",)).get_content()


def test_text_only_message():
    msg = parse(build(Content("s", "", text="Just text, {{ first_name }}")))
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().strip() == "Just text, Ann"


# ----------------------------------------------------------------- template errors


@pytest.mark.parametrize(
    "subject,html,field,pattern",
    [
        ("Hi {{ frist_name }}", "<p>x</p>", "subject", "'frist_name' is undefined"),
        ("Hi", "<p>{% if %}</p>", "html", "TemplateSyntaxError"),
        ("{{ ''.__class__.__mro__ }}", "<p>x</p>", "subject", "SecurityError|unsafe"),
        ("Hi", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "html", "SecurityError|unsafe"),
        ("{{ first_name.__init__.__globals__ }}", "<p>x</p>", "subject", "SecurityError|unsafe"),
        ("{{ 1 / 0 }}", "<p>x</p>", "subject", "ZeroDivisionError"),
    ],
)
def test_template_errors_name_the_field(subject, html, field, pattern):
    with pytest.raises(TemplateRenderError) as e:
        build(Content(subject, html))
    assert e.value.field == field
    assert re.search(pattern, e.value.message)


# ----------------------------------------------------------------- attachments


def test_attachment_mime_guessed_and_cap_enforced(ctx, tmp_path):
    with ctx.db.write() as s:
        cid = campaigns.create(s, "A", "s", "<p>x</p>", None, ctx.clock.now()).id
    pdf = tmp_path / "Прайс 2026.pdf"
    pdf.write_bytes(b"%PDF-1.4 " + os.urandom(1000))
    blob = tmp_path / "data.weird-ext"
    blob.write_bytes(b"\0" * 10)
    big = tmp_path / "big.zip"
    big.write_bytes(b"\0" * (compose.MAX_ATTACHMENTS_BYTES - 1000))
    with ctx.db.write() as s:
        assert attachments.attach_file(s, cid, pdf).mime_type == "application/pdf"
        assert attachments.attach_file(s, cid, blob).mime_type == "application/octet-stream"
    with (
        ctx.db.write() as s,
        pytest.raises(attachments.AttachmentError, match=r"big.zip: .* over the 10 MB limit"),
    ):
        attachments.attach_file(s, cid, big)
    with ctx.db.read() as s:
        assert [a.filename for a in attachments.list_for(s, cid)] == [
            "Прайс 2026.pdf",
            "data.weird-ext",
        ]


def test_oversized_content_is_refused_at_build():
    content = Content(
        "s",
        "<p>x</p>",
        attachments=(("a.bin", "application/octet-stream", b"\0" * 2000),),
        max_attachment_bytes=1000,
    )
    with pytest.raises(compose.AttachmentTooLarge, match="attachments: .*over the"):
        build(content)


def test_attachments_arrive_intact_at_a_real_server(ctx, smtp_server, tmp_path):
    configure(ctx, smtp_server)
    files = {
        "Отчёт.pdf": b"%PDF-1.7\n" + os.urandom(300_000),
        "photo.png": b"\x89PNG\r\n\x1a\n" + os.urandom(50_000),
        "notes.txt": "строка 1\r\nline 2\n.\n..leading dots\n".encode(),
    }
    with ctx.db.write() as s:
        cid = campaigns.create(
            s,
            "Att",
            "Files for {{ first_name }}",
            "<p>Hello {{ first_name }}</p>",
            None,
            ctx.clock.now(),
        ).id
        campaigns.add_recipients(
            s,
            cid,
            [
                (2, "ann@example.org", {"first_name": "Ann"}),
                (3, "bob@example.org", {"first_name": "Bob"}),
            ],
        )
        for name, data in files.items():
            (tmp_path / name).write_bytes(data)
            attachments.attach_file(s, cid, tmp_path / name)
        queue.enqueue(s, cid, ctx.clock.now())
    e = Engine(ctx)
    e.acquire()
    e.run_until_idle()
    e.release()
    got = smtp_server.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in got) == ["ann@example.org", "bob@example.org"]
    assert all(len(r.rcpt_tos) == 1 for r in got)
    for r in got:
        msg = r.message
        parts = {p.get_filename(): p for p in msg.iter_attachments()}
        assert set(parts) == set(files)
        for name, data in files.items():
            payload = parts[name].get_payload(decode=True)
            assert hashlib.sha256(payload).digest() == hashlib.sha256(data).digest()
        assert parts["Отчёт.pdf"].get_content_type() == "application/pdf"
        keys = ctx.secrets.unsubscribe_keys(ctx.data_dir)
        assert unsubscribe.verify(keys, msg["List-Unsubscribe"].strip("<>")) == (cid, r.rcpt_tos[0])


@pytest.mark.parametrize(
    "subject",
    [
        # Python's folder turned the space of "на кофе" into folding whitespace
        # between two encoded-words, where every RFC 2047 reader drops it.
        "Anna до пятницы наших и на кофе и наших наших Скидки tea для кофе",
        "00\x80\x80ࠀ0𐀀𐀀𐀀𐀀𐀀𐀀𐀀𐀀 \x80 \x80",  # found by the property test above
        "Скидки\u00a0недели\u3000на чай",  # Unicode spaces become plain ones
    ],
)
def test_a_non_ascii_subject_keeps_every_space(subject):
    msg = build(content=Content(subject, "<p>x</p>"))
    raw = msg.as_bytes()
    subject_lines = raw.split(b"\r\n\r\n")[0].split(b"Subject:")[1].split(b"\r\n")
    subject_lines = [subject_lines[0]] + [x for x in subject_lines[1:] if x[:1] == b" "]
    assert all(len(line) <= 78 for line in subject_lines)
    back = message_from_bytes(raw, policy=policy.default)
    assert str(back["Subject"]) == compose.header_text(subject)
