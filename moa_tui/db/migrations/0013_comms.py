"""Phone messages and tasks in the staff inboxes, and the triage list (issue 12 items 1, 2).
Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    Patient = stub('patient')
    Claim = stub('claim')
    Provider = stub('provider')
    StaffMember = stub('staff_member')

    class InboxMessage(Model):
        kind = CharField(max_length=8, default='call')
        caller = CharField(max_length=80, default='')
        callback = CharField(max_length=10, default='')
        patient = ForeignKeyField(Patient, null=True, on_delete='SET NULL')
        claim = ForeignKeyField(Claim, null=True, on_delete='SET NULL')
        source = ForeignKeyField('self', null=True, on_delete='SET NULL')
        reason = CharField(max_length=120)
        text = TextField(default='')
        urgent = BooleanField(default=False)
        red_flags = CharField(max_length=300, default='')
        to_staff = ForeignKeyField(StaffMember, null=True, backref='+')
        to_provider = ForeignKeyField(Provider, null=True, backref='+')
        to_group = CharField(max_length=16, default='')
        status = CharField(max_length=12, default='open')
        response = TextField(default='')
        due_at = DateTimeField(null=True)
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        taken_by = ForeignKeyField(StaffMember, null=True, backref='+')
        taken_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(StaffMember, null=True, backref='+')
        closed_at = DateTimeField(null=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'inbox_message'
            indexes = (
                (('status', 'due_at'), False),
                (('urgent', 'status'), False),
                # Each inbox: a staff member's, a provider's, a group's open items.
                (('to_staff', 'status'), False),
                (('to_provider', 'status'), False),
                (('to_group', 'status'), False),
            )

    class TriageSettings(Model):
        red_flags = TextField(default='')
        advice = TextField(default='')
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'triage_settings'

    db.create_tables([InboxMessage, TriageSettings])


def down(migrator, db):
    for table in ('triage_settings', 'inbox_message'):
        migrator.migrate(migrator.drop_table(table))
