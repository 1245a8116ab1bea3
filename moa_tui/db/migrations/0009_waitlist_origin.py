"""A waitlist entry remembers the booked visit it came from (issue 9 item 3), so taking a
freed slot moves that visit instead of guessing which one to move."""
from peewee import *


def up(migrator, db):
    class Appointment(Model):
        class Meta:
            database = db
            table_name = 'appointment'

    migrator.migrate(
        migrator.add_column(
            'waitlist_entry',
            'from_appointment_id',
            ForeignKeyField(Appointment, field=Appointment.id, null=True, on_delete='SET NULL'),
        )
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('waitlist_entry', 'from_appointment_id'))
