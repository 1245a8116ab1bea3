"""Indexes for the claims worklists at a million claims (issue 11's speed): denials and
claims sent with no answer walk (status, status changed, id) in the order they show, with
the amounts in the index so a group's totals never read a table row; follow-ups due walk
(follow-up date, id). Backend-neutral (playhouse.migrate operations)."""
from peewee import *

INDEXES = (
    ('status', 'status_changed_at', 'id', 'total_cents', 'paid_cents', 'adjusted_cents'),
    ('follow_up_on', 'id'),
)


def up(migrator, db):
    for columns in INDEXES:
        migrator.migrate(migrator.add_index('claim', columns))


def down(migrator, db):
    for columns in reversed(INDEXES):
        migrator.migrate(migrator.drop_index('claim', '_'.join(('claim',) + columns)))
