"""The clinic's phone number, printed on what patients take home."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('clinic_settings', 'phone', CharField(max_length=10, default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('clinic_settings', 'phone'))
