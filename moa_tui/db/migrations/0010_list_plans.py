"""Indexes that make the big lists index walks by construction (issue 10): a name search
walks (last_key, first_key, dob) in the order it shows; the claims worklist has one index
per filter (status, payer, both) and sort (date of service, amount), ending in id for the
keyset. Backend-neutral (playhouse.migrate operations)."""
from peewee import *

CLAIM_INDEXES = (
    ('status', 'service_date', 'id'),
    ('status', 'total_cents', 'id'),
    ('payer_id', 'service_date', 'id'),
    ('payer_id', 'total_cents', 'id'),
    # With the amounts: the totals line of a status (and payer) filter is summed from
    # this index alone.
    ('status', 'payer_id', 'service_date', 'id', 'total_cents', 'paid_cents', 'adjusted_cents'),
    ('status', 'payer_id', 'total_cents', 'id'),
)


def up(migrator, db):
    migrator.migrate(migrator.add_index('patient', ('last_key', 'first_key', 'dob')))
    migrator.migrate(migrator.drop_index('patient', 'patient_last_key_first_key'))
    for columns in CLAIM_INDEXES:
        migrator.migrate(migrator.add_index('claim', columns))


def down(migrator, db):
    for columns in reversed(CLAIM_INDEXES):
        migrator.migrate(migrator.drop_index('claim', '_'.join(('claim',) + columns)))
    migrator.migrate(migrator.add_index('patient', ('last_key', 'first_key')))
    migrator.migrate(migrator.drop_index('patient', 'patient_last_key_first_key_dob'))
