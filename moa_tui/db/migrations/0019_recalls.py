"""Recalls and their calls (issue 12 item 5), and the patient's consent to their full name
in reminder messages (initials otherwise). Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    Patient = stub('patient')
    Provider = stub('provider')
    Appointment = stub('appointment')
    StaffMember = stub('staff_member')

    class Recall(Model):
        patient = ForeignKeyField(Patient, backref='+')
        kind = CharField(max_length=10)
        provider = ForeignKeyField(Provider, null=True, on_delete='SET NULL', backref='+')
        due_on = DateField()
        note = CharField(max_length=200, default='')
        status = CharField(max_length=10, default='open')
        attempts = IntegerField(default=0)
        last_outcome = CharField(max_length=14, default='')
        last_call_at = DateTimeField(null=True)
        appointment = ForeignKeyField(Appointment, null=True, on_delete='SET NULL', backref='+')
        set_at_visit = ForeignKeyField(Appointment, null=True, on_delete='SET NULL', backref='+')
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        closed_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        closed_at = DateTimeField(null=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'recall'
            indexes = (
                (('status', 'due_on'), False),
                (('status', 'provider', 'due_on'), False),
                (('patient', 'status'), False),
            )

    class RecallCall(Model):
        recall = ForeignKeyField(Recall, backref='+', on_delete='CASCADE')
        outcome = CharField(max_length=14)
        note = CharField(max_length=200, default='')
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'recall_call'
            indexes = ((('recall', 'at'), False),)

    db.create_tables([Recall, RecallCall])
    migrator.migrate(
        migrator.add_column('patient', 'reminder_full_name', BooleanField(null=True, default=False)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('patient', 'reminder_full_name'))
    for table in ('recall_call', 'recall'):
        migrator.migrate(migrator.drop_table(table))
