"""The planner's statistics taken again from every row (issue 10). PRAGMA optimize on close
used to read a sample of each index's first rows (analysis_limit = 400); on an index that
starts with a column of few values (a claim's status) the sample is all one value, and the
planner then rated a status as common as a payer and walked all of a payer's claims for a
few drafts (200 ms at a million claims). db/optimize.py now reads every row; a file that
holds sampled statistics gets complete ones here, once (about 3 s for a 250,000-patient
clinic). A file never analysed is left alone: the hot plans are right without statistics.
PostgreSQL keeps its own."""
from peewee import *


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        return
    if db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).fetchone():
        db.execute_sql("PRAGMA analysis_limit=0")
        db.execute_sql("ANALYZE")


def down(migrator, db):
    pass  # statistics are not schema: nothing to undo
