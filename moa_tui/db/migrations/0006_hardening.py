"""Hardening: the default export folder, the demo mark, the audit key's fingerprint."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('clinic_settings', 'export_dir', CharField(max_length=500, default='')))
    migrator.migrate(migrator.add_column('clinic_settings', 'is_demo', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('clinic_settings', 'audit_key_id', CharField(max_length=64, default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('clinic_settings', 'audit_key_id'))
    migrator.migrate(migrator.drop_column('clinic_settings', 'is_demo'))
    migrator.migrate(migrator.drop_column('clinic_settings', 'export_dir'))
