"""slot counts: the ledger counted per UTC day and per UTC quarter hour

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

* ``slot_counts``: one row per UTC day (``d2026-12-01``) and per UTC quarter
  hour (``q2026-12-01 10:15``) with the number of ledger rows stamped in it.
  Triggers on ``slot_ledger`` keep it equal to the ledger whoever writes it
  (the ORM, the raw SQL of the send step, a release), so transaction A counts
  a month or a day from a few dozen rows instead of every reservation in it.
  Every zone's offset is a whole number of quarter hours, so local days and
  months start on a bucket boundary.

Filled from the ledger on upgrade.

PostgreSQL: one plpgsql trigger function writes the same keys (``at`` is a
``timestamp without time zone`` holding UTC, so ``to_char`` needs no zone).
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DAY = "'d' || substr({row}.at, 1, 10)"
QUARTER = (
    "'q' || substr({row}.at, 1, 14)"
    " || printf('%02d', (CAST(substr({row}.at, 15, 2) AS INTEGER) / 15) * 15)"
)


def _add(row: str) -> str:
    return "".join(
        f" INSERT INTO slot_counts (key, n) VALUES ({key.format(row=row)}, 1)"
        " ON CONFLICT (key) DO UPDATE SET n = n + 1;"
        for key in (DAY, QUARTER)
    )


def _remove(row: str) -> str:
    return "".join(
        f" UPDATE slot_counts SET n = n - 1 WHERE key = {key.format(row=row)};"
        for key in (DAY, QUARTER)
    )


# PostgreSQL's forms of DAY and QUARTER: the same text for the same ``at``.
PG_DAY = "'d' || to_char({row}.at, 'YYYY-MM-DD')"
PG_QUARTER = (
    "'q' || to_char({row}.at, 'YYYY-MM-DD HH24:')"
    " || lpad(((extract(minute FROM {row}.at)::integer / 15) * 15)::text, 2, '0')"
)
PG_FUNCTION = """
CREATE FUNCTION slot_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE slot_counts SET n = n - 1 WHERE key IN ({old_day}, {old_quarter});
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO slot_counts (key, n) VALUES ({new_day}, 1), ({new_quarter}, 1)
            ON CONFLICT (key) DO UPDATE SET n = slot_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$
""".format(
    old_day=PG_DAY.format(row="OLD"),
    old_quarter=PG_QUARTER.format(row="OLD"),
    new_day=PG_DAY.format(row="NEW"),
    new_quarter=PG_QUARTER.format(row="NEW"),
)


def _upgrade_postgresql() -> None:
    op.execute(
        "CREATE TABLE slot_counts (key VARCHAR(20) NOT NULL PRIMARY KEY, n INTEGER NOT NULL)"
    )
    op.execute(PG_FUNCTION)
    op.execute(
        "CREATE TRIGGER slot_counts_insert AFTER INSERT ON slot_ledger"
        " FOR EACH ROW EXECUTE FUNCTION slot_counts_track()"
    )
    op.execute(
        "CREATE TRIGGER slot_counts_delete AFTER DELETE ON slot_ledger"
        " FOR EACH ROW EXECUTE FUNCTION slot_counts_track()"
    )
    op.execute(
        "CREATE TRIGGER slot_counts_update AFTER UPDATE OF at ON slot_ledger"
        " FOR EACH ROW EXECUTE FUNCTION slot_counts_track()"
    )
    for key in (PG_DAY, PG_QUARTER):
        op.execute(
            f"INSERT INTO slot_counts (key, n) SELECT {key.format(row='slot_ledger')}, count(*)"
            " FROM slot_ledger GROUP BY 1"
        )


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if _postgresql():
        _upgrade_postgresql()
        return
    op.execute(
        "CREATE TABLE slot_counts (key VARCHAR(20) NOT NULL PRIMARY KEY, n INTEGER NOT NULL)"
    )
    op.execute(
        f"CREATE TRIGGER slot_counts_insert AFTER INSERT ON slot_ledger BEGIN{_add('NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER slot_counts_delete AFTER DELETE ON slot_ledger BEGIN{_remove('OLD')} END"
    )
    op.execute(
        "CREATE TRIGGER slot_counts_update AFTER UPDATE OF at ON slot_ledger"
        f" BEGIN{_remove('OLD')}{_add('NEW')} END"
    )
    for key in (DAY, QUARTER):
        op.execute(
            f"INSERT INTO slot_counts (key, n) SELECT {key.format(row='slot_ledger')}, count(*)"
            " FROM slot_ledger GROUP BY 1"
        )


def downgrade() -> None:
    if _postgresql():
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER slot_counts_{name} ON slot_ledger")
        op.execute("DROP FUNCTION slot_counts_track()")
        op.execute("DROP TABLE slot_counts")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER slot_counts_{name}")
    op.execute("DROP TABLE slot_counts")
