"""The text part derived once per template (compose._derive_fast) is exactly the
text derived from each recipient's rendered HTML, and it is taken only where
that holds: plain placeholders, plain values, no tables."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mailer_gui.core.content import compose as C

NAMES = ["first_name", "city", "code", "unsubscribe_url"]
WORD = st.text(alphabet=st.sampled_from("abcXYZ019АбвЖё.,:;!?-/=()[]*_+%@"), min_size=1, max_size=8)
PLAIN = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
ANY_VALUE = st.one_of(PLAIN, st.text(max_size=12))


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["word", "name", "name", "link", "bold"]))
        if kind == "word":
            parts.append(draw(WORD).replace("<", "").replace("&", ""))
        elif kind == "name":
            parts.append(f"{{{{ {draw(st.sampled_from(NAMES))} }}}}")
        elif kind == "link":
            name = draw(st.sampled_from(NAMES))
            parts.append(f'<a href="https://example.org/{{{{ {name} }}}}">{draw(WORD)}</a>')
        else:
            parts.append(f"<b>{{{{ {draw(st.sampled_from(NAMES))} }}}}</b>")
    return " ".join(parts)


@st.composite
def template(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        tag = draw(st.sampled_from(["p", "h1", "div", "blockquote", "ul", "ol", "pre"]))
        body = draw(inline())
        if tag in ("ul", "ol"):
            blocks.append(f"<{tag}><li>{body}</li><li>{draw(inline())}</li></{tag}>")
        else:
            blocks.append(f"<{tag}>{body}</{tag}>")
    return "".join(blocks)


def context(values: dict[str, str]) -> dict[str, str]:
    return {**values, "email": "r@example.org"}


@settings(max_examples=150, deadline=None)
@given(
    source=template(),
    values=st.fixed_dictionaries({n: ANY_VALUE for n in NAMES}),
)
def test_the_text_made_once_is_the_text_made_from_each_message(source, values):
    # Each example is a template seen for the first time: the per-template verdict
    # an earlier example left (compose._checked) must not decide this one.
    C._checked.clear()
    ctx = context(values)
    html = C.render_field("html", source, ctx, html=True)
    fast = C._derive_fast(source, html, ctx)
    if all(C._PLAIN_VALUE.match(v) for v in values.values()):
        assert fast is not None, "plain placeholders and plain values: the fast path"
    if fast is not None:
        assert fast == C.html_to_text(html)


def test_the_fast_path_is_what_build_message_sends():
    source = "<p>Dear {{ first_name }},</p><ul><li>{{ city }}</li></ul>"
    ctx = context({"first_name": "Анна", "city": "Kazan", "code": "1", "unsubscribe_url": "u"})
    r = C.Rendered("s", C.render_field("html", source, ctx, html=True), None)
    made = C._derive_fast(source, r.html, ctx)
    assert made == "Dear Анна,\n\n  * Kazan\n" == C.html_to_text(r.html)


def test_where_the_fast_path_does_not_apply():
    plain = context({"first_name": "Ann", "city": "Omsk", "code": "7", "unsubscribe_url": "u"})

    def fast(source: str, ctx: dict[str, str] = plain) -> str | None:
        return C._derive_fast(source, C.render_field("html", source, ctx, html=True), ctx)

    assert fast("<p>Hi {{ first_name }}</p>") == "Hi Ann\n"
    # Tables lay out by their cells' widths; tags and filters need the real values.
    assert fast("<table><tr><td>{{ first_name }}</td><td>x</td></tr></table>") is None
    assert fast("<p>{% if city %}{{ city }}{% endif %}</p>") is None
    assert fast("<p>{{ first_name | upper }}</p>") is None
    # An entity in the HTML that would read as a placeholder in the text.
    assert fast("<p>&#123;&#123; city }} {{ first_name }}</p>") is None
    # A value with markup, quotes or runs of spaces: that message takes the usual path.
    for odd in ("<b>Ann</b>", "Ann  Lee", " Ann", "O'Hara", "Tom & Jerry", ""):
        ctx = {**plain, "first_name": odd}
        assert fast("<p>Hi {{ first_name }}</p>", ctx) is None
