"""Column mapping for imports: which column holds the address, which the
names, and the field name every other column gets in templates."""

from __future__ import annotations

import re

from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message

BUILTIN_FIELDS = frozenset({"email", "unsubscribe_url"})


class ImportFileError(MailerError):
    """The file cannot be imported as it is; the message names the row/column and what to do."""


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e-mail",
        "e_mail",
        "mail",
        "email address",
        "e-mail address",
        "emailaddress",
        "mail address",
        "почта",
        "эл. почта",
        "эл.почта",
        "электронная почта",
        "адрес электронной почты",
        "адрес эл. почты",
        "емейл",
        "имейл",
        "е-мейл",
        "емэйл",
        "e-mail адрес",
        "email адрес",
        "courriel",
    ),
    "first_name": (
        "first name",
        "firstname",
        "first_name",
        "first",
        "given name",
        "forename",
        "имя",
    ),
    "last_name": ("last name", "lastname", "last_name", "surname", "family name", "фамилия"),
}


def _key(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.lower().replace("ё", "е"))


_GUESS = {_key(s): name for name, syns in _SYNONYMS.items() for s in syns}


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Field -> header for the columns whose names say what they are."""
    out: dict[str, str] = {}
    for h in headers:
        name = _GUESS.get(_key(h))
        if name and name not in out:
            out[name] = h
    return out


def clean_headers(cells: list[str]) -> list[str]:
    """Header cells trimmed (a stray BOM too, when the encoding was forced to
    plain utf-8); an empty one is named ``column N``."""
    return [
        c.strip().lstrip("\ufeff").strip() or f"column {i}" for i, c in enumerate(cells, start=1)
    ]


def field_keys(headers: list[str], mapping: dict[str, str], row: int) -> list[str | None]:
    """Per column, the field name it is stored under (None for the email column).

    Mapped columns take their field's name; the others a name made from their
    header (``Company name`` -> ``company_name``), so templates can use them.
    """
    used = _mapped_columns(headers, mapping, row)
    keys: list[str | None] = [None] * len(headers)
    for col, name in used.items():
        keys[col] = None if name == "email" else name
    taken = set(mapping) | BUILTIN_FIELDS
    for i, h in enumerate(headers):
        if i in used:
            continue
        base = re.sub(r"\W+", "_", h.lower()).strip("_")
        if not base.isidentifier():
            base = f"column_{i + 1}"
        k, n = base, 2
        while k in taken:
            k, n = f"{base}_{n}", n + 1
        taken.add(k)
        keys[i] = k
    return keys


def _mapped_columns(headers: list[str], mapping: dict[str, str], row: int) -> dict[int, str]:
    """Column index -> the field mapped to it; ImportFileError for a header
    that is missing, found twice, or mapped to two fields."""
    index: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        index.setdefault(h.lower(), []).append(i)
    used: dict[int, str] = {}
    for name, header in mapping.items():
        cols = index.get(header.strip().lower())
        if not cols:
            raise ImportFileError(
                Message(
                    "import.no_such_column",
                    row=row,
                    header=repr(header),
                    field=repr(name),
                    columns=", ".join(headers),
                )
            )
        if len(cols) > 1:
            raise ImportFileError(
                Message(
                    "import.header_twice",
                    row=row,
                    header=repr(header),
                    columns=", ".join(str(c + 1) for c in cols),
                )
            )
        if cols[0] in used:
            raise ImportFileError(
                Message(
                    "import.column_mapped_twice",
                    row=row,
                    header=repr(header),
                    first=repr(used[cols[0]]),
                    second=repr(name),
                )
            )
        used[cols[0]] = name
    return used
