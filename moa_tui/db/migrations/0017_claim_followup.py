"""Corrected and void claims (837P frequency code 7 / 8, the claim they replace), a claim's
follow-up date and the "no response after N days" worklist's N (issue 11 item 6).
Backend-neutral: playhouse.migrate column operations."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('claim', 'frequency', CharField(max_length=1, null=True, default='1')),
        migrator.add_column('claim', 'replaces_id', IntegerField(null=True)),
        migrator.add_column('claim', 'follow_up_on', DateField(null=True)),
        migrator.add_column('clinic_settings', 'no_response_days', IntegerField(default=30)),
    )
    migrator.migrate(migrator.add_index('claim', ('replaces_id',)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('claim', 'claim_replaces_id'))
    migrator.migrate(migrator.drop_column('clinic_settings', 'no_response_days'))
    for column in ('follow_up_on', 'replaces_id', 'frequency'):
        migrator.migrate(migrator.drop_column('claim', column))
