"""build_message assembles messages by hand (raw headers, parsed headers cached);
what reaches the wire must be what the email package's own API writes.

The reference below is the assembly as it was (``msg[name] = value``,
``set_content``, ``add_alternative``, ``add_attachment`` on the default SMTP
policy). For drawn recipients, fields, subjects, sender names and attachments
both are parsed back and compared header by header and part by part (the
boundaries, and the part-level MIME-Version the old API added, aside), in
8-bit and in the 7-bit form sent to a server without 8BITMIME.
"""

from __future__ import annotations

import email
from email import policy
from email.message import Message

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.content import compose as C
from tests.compose_reference import KEY, NOW, reference_build


def shape(raw: bytes) -> list[object]:
    """A message as a reader sees it: headers (decoded) and parts (decoded bytes)."""
    parsed = email.message_from_bytes(raw, policy=policy.default)
    return _shape(parsed, top=True)


def _shape(part: Message, top: bool) -> list[object]:
    headers = []
    for name, value in part.items():
        lname = name.lower()
        if lname == "mime-version" and not top:
            continue  # the old API wrote one in every part made by add_alternative
        if lname == "content-type":
            params = {k: v for k, v in part.get_params()[1:] if k != "boundary"}
            headers.append((lname, (part.get_content_type(), sorted(params.items()))))
        else:
            headers.append((lname, str(value)))
    out: list[object] = [sorted(headers)]
    if part.is_multipart():
        out.append([_shape(p, top=False) for p in part.get_payload()])  # type: ignore[union-attr]
    else:
        out.append(part.get_payload(decode=True))
    return out


def lines_fit(raw: bytes, reference: bytes) -> bool:
    """No line over 998 octets; no header line over 78 that the reference does not write too
    (its List-Unsubscribe is cut between its URLs only)."""
    head, _, _ = raw.partition(b"\r\n\r\n")
    long_ones = {line for line in head.split(b"\r\n") if len(line) > 78}
    ref_head = reference.partition(b"\r\n\r\n")[0].split(b"\r\n")
    return long_ones <= set(ref_head) and all(len(line) <= 998 for line in raw.split(b"\r\n"))


text_values = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=120
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=text_values,
    code=text_values,
    subject_tail=st.text(st.characters(min_codepoint=32, max_codepoint=0x44F), max_size=90),
    from_name=st.sampled_from(
        ["", "Shop Team", 'Shop "Tea" Team', "Магазин чая", "A, B. & C", "x" * 90]
    ),
    to_addr=st.sampled_from(
        ["u@example.com", "first.last+tag@example.org", "u@пример.рф", "o'neil@example.com"]
    ),
    with_text=st.booleans(),
    with_html=st.booleans(),
    attachments=st.sampled_from(
        [
            (),
            (("a.txt", "text/plain", b"hello"),),
            (("отчёт 2026.pdf", "application/pdf", b"%PDF" * 50),),
        ]
    ),
    reply_to=st.sampled_from(["", "reply@example.com"]),
    campaign_name=st.sampled_from(["", "Spring sale", "Весенняя распродажа"]),
)
@example(
    name="a" * 100,
    code="\u00e9" * 100,
    subject_tail="x" * 90,
    from_name="Shop Team",
    to_addr="u@example.com",
    with_text=False,
    with_html=True,
    attachments=(),
    reply_to="",
    campaign_name="",
)
def test_the_hand_assembly_writes_what_the_email_api_writes(
    name: str,
    code: str,
    subject_tail: str,
    from_name: str,
    to_addr: str,
    with_text: bool,
    with_html: bool,
    attachments: tuple[tuple[str, str, bytes], ...],
    reply_to: str,
    campaign_name: str,
) -> None:
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=25,
        security="none",
        from_addr="news@example.com",
        from_name=from_name,
        reply_to=reply_to,
    )
    content = C.Content(
        subject="News for {{ name }} " + subject_tail.replace("{", "(").replace("}", ")"),
        html="<p>Dear {{ name }},</p><p>Your code: <b>{{ code }}</b></p>" * 3 if with_html else "",
        text="Dear {{ name }}, your code: {{ code }}\n" if with_text or not with_html else None,
        attachments=attachments,
        campaign_id=7,
        name=campaign_name,
    )
    fields = {"name": name, "code": code}
    try:
        reference = reference_build(content, smtp, to_addr, fields, "<id1@example.com>")
    except C.TemplateRenderError as exc:
        with pytest.raises(type(exc)):
            C.build_message(content, smtp, to_addr, fields, "<id1@example.com>", NOW, unsub_key=KEY)
        return
    fast = C.build_message(content, smtp, to_addr, fields, "<id1@example.com>", NOW, unsub_key=KEY)
    fast_raw = fast.as_bytes(policy=fast.policy)
    reference_raw = reference.as_bytes(policy=reference.policy)
    assert shape(fast_raw) == shape(reference_raw)
    assert lines_fit(fast_raw, reference_raw)
    fast7 = C.seven_bit(fast).as_bytes(policy=fast.policy)
    reference7 = C.seven_bit(reference).as_bytes(policy=reference.policy)
    assert shape(fast7) == shape(reference7)
    assert fast7.isascii()
    assert lines_fit(fast7, reference7)


def test_a_field_holding_the_boundary_gets_a_fresh_one() -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=25, security="none", from_addr="n@example.com")
    content = C.Content(subject="Hi", html="<p>{{ x }}</p>", campaign_id=1)
    first = C.build_message(content, smtp, "u@example.com", {"x": "a"}, "<1@e>", NOW, unsub_key=KEY)
    boundary = first.get_boundary()
    assert boundary
    again = C.build_message(
        content, smtp, "u@example.com", {"x": f"--{boundary}--"}, "<2@e>", NOW, unsub_key=KEY
    )
    assert again.get_boundary() != boundary
    parsed = email.message_from_bytes(again.as_bytes(policy=again.policy), policy=policy.default)
    parts = [p.get_content() for p in parsed.iter_parts()]
    assert len(parts) == 2 and f"--{boundary}--" in parts[1]
