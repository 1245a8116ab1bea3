"""Change counters per topic: a terminal refetches only what another terminal changed."""
from peewee import *


def up(migrator, db):
    class ChangeCounter(Model):
        topic = CharField(max_length=24, primary_key=True)
        version = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'change_counter'

    db.create_tables([ChangeCounter])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('change_counter'))
