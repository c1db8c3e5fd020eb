"""slot counts per UTC minute too

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

0004 counts the ledger per UTC day and quarter hour; a span's ragged ends
(under a quarter hour) were counted from the ledger itself. The per-minute
rule's clock minute and the rolling 60 seconds are such ends: at a high
rate the limit check read every reservation of the last minutes, for every
message (on PostgreSQL 0.3 ms a message with 2,000 of them, growing with
the rate). ``slot_counts`` now also holds one row per UTC minute
(``m2026-12-02 17:05``), kept by the same triggers, so a ragged end is under
a minute and a clock minute is one row. Filled from the ledger on upgrade.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DAY = "'d' || substr({row}.at, 1, 10)"
QUARTER = (
    "'q' || substr({row}.at, 1, 14)"
    " || printf('%02d', (CAST(substr({row}.at, 15, 2) AS INTEGER) / 15) * 15)"
)
MINUTE = "'m' || substr({row}.at, 1, 16)"

# PostgreSQL's forms: the same text for the same ``at`` (a timestamp holding UTC).
PG_DAY = "'d' || to_char({row}.at, 'YYYY-MM-DD')"
PG_QUARTER = (
    "'q' || to_char({row}.at, 'YYYY-MM-DD HH24:')"
    " || lpad(((extract(minute FROM {row}.at)::integer / 15) * 15)::text, 2, '0')"
)
PG_MINUTE = "'m' || to_char({row}.at, 'YYYY-MM-DD HH24:MI')"


def _add(row: str, keys: tuple[str, ...]) -> str:
    return "".join(
        f" INSERT INTO slot_counts (key, n) VALUES ({key.format(row=row)}, 1)"
        " ON CONFLICT (key) DO UPDATE SET n = n + 1;"
        for key in keys
    )


def _remove(row: str, keys: tuple[str, ...]) -> str:
    return "".join(
        f" UPDATE slot_counts SET n = n - 1 WHERE key = {key.format(row=row)};" for key in keys
    )


def _sqlite_triggers(keys: tuple[str, ...]) -> None:
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER slot_counts_{name}")
    op.execute(
        "CREATE TRIGGER slot_counts_insert AFTER INSERT ON slot_ledger"
        f" BEGIN{_add('NEW', keys)} END"
    )
    op.execute(
        "CREATE TRIGGER slot_counts_delete AFTER DELETE ON slot_ledger"
        f" BEGIN{_remove('OLD', keys)} END"
    )
    op.execute(
        "CREATE TRIGGER slot_counts_update AFTER UPDATE OF at ON slot_ledger"
        f" BEGIN{_remove('OLD', keys)}{_add('NEW', keys)} END"
    )


def _pg_function(keys: tuple[str, ...]) -> str:
    old = ", ".join(k.format(row="OLD") for k in keys)
    new = ", ".join(f"({k.format(row='NEW')}, 1)" for k in keys)
    return f"""
CREATE OR REPLACE FUNCTION slot_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE slot_counts SET n = n - 1 WHERE key IN ({old});
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO slot_counts (key, n) VALUES {new}
            ON CONFLICT (key) DO UPDATE SET n = slot_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if _postgresql():
        op.execute(_pg_function((PG_DAY, PG_QUARTER, PG_MINUTE)))
        minute = PG_MINUTE
    else:
        _sqlite_triggers((DAY, QUARTER, MINUTE))
        minute = MINUTE
    op.execute(
        f"INSERT INTO slot_counts (key, n) SELECT {minute.format(row='slot_ledger')}, count(*)"
        " FROM slot_ledger GROUP BY 1"
    )


def downgrade() -> None:
    if _postgresql():
        op.execute(_pg_function((PG_DAY, PG_QUARTER)))
    else:
        _sqlite_triggers((DAY, QUARTER))
    op.execute("DELETE FROM slot_counts WHERE key LIKE 'm%'")
