"""Refill requests and their steps, the disclosures log (issue 12 items 7, 9), and the
inbox lists' keyset: whose inbox in one column and where an item sorts (item 2's lists,
paged). Backend-neutral (peewee schema calls; the backfill is SQL both backends speak)."""
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
    StaffMember = stub('staff_member')
    InboxMessage = stub('inbox_message')

    migrator.migrate(
        migrator.add_column('inbox_message', 'inbox_key', CharField(max_length=24, default='')),
        migrator.add_column('inbox_message', 'list_rank', IntegerField(default=1)),
    )
    for sql in (
        "UPDATE inbox_message SET inbox_key = 'staff:' || CAST(to_staff_id AS VARCHAR(20)) "
        "WHERE to_staff_id IS NOT NULL",
        "UPDATE inbox_message SET inbox_key = 'provider:' || CAST(to_provider_id AS VARCHAR(20)) "
        "WHERE to_staff_id IS NULL AND to_provider_id IS NOT NULL",
        "UPDATE inbox_message SET inbox_key = 'group:' || to_group "
        "WHERE to_staff_id IS NULL AND to_provider_id IS NULL AND to_group <> ''",
        "UPDATE inbox_message SET due_at = created_at WHERE due_at IS NULL",
        "UPDATE inbox_message SET list_rank = 2 WHERE status = 'done'",
        "UPDATE inbox_message SET list_rank = 0 WHERE urgent AND status = 'open'",
    ):
        db.execute_sql(sql)
    migrator.migrate(
        migrator.add_index('inbox_message', ('inbox_key', 'list_rank', 'due_at', 'id')),
        migrator.add_index('inbox_message', ('list_rank', 'due_at', 'id')),
    )

    class RefillRequest(Model):
        patient = ForeignKeyField(Patient, backref='+')
        message = ForeignKeyField(InboxMessage, null=True, on_delete='SET NULL', backref='+')
        medication = CharField(max_length=120)
        dose = CharField(max_length=60, default='')
        pharmacy = CharField(max_length=80)
        pharmacy_phone = CharField(max_length=10)
        prescriber = ForeignKeyField(Provider, null=True, backref='+')
        status = CharField(max_length=12, default='requested')
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        changed_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'refill_request'
            indexes = ((('patient', 'id'), False),)

    class RefillStep(Model):
        refill = ForeignKeyField(RefillRequest, backref='+', on_delete='CASCADE')
        status = CharField(max_length=12)
        note = TextField(default='')
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'refill_step'
            indexes = ((('refill', 'id'), False),)

    class Disclosure(Model):
        patient = ForeignKeyField(Patient, backref='+')
        recipient_name = CharField(max_length=120)
        recipient_org = CharField(max_length=120, default='')
        recipient_address = CharField(max_length=300, default='')
        description = TextField()
        purpose = CharField(max_length=16)
        purpose_note = CharField(max_length=200, default='')
        disclosed_on = DateField()
        auth_ref = CharField(max_length=120, default='')
        auth_date = DateField(null=True)
        recorded_by = ForeignKeyField(StaffMember, backref='+')
        recorded_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'disclosure'
            indexes = ((('patient', 'disclosed_on'), False),)

    db.create_tables([RefillRequest, RefillStep, Disclosure])


def down(migrator, db):
    for table in ('disclosure', 'refill_step', 'refill_request'):
        migrator.migrate(migrator.drop_table(table))
    migrator.migrate(
        migrator.drop_index('inbox_message', 'inbox_message_list_rank_due_at_id'),
        migrator.drop_index('inbox_message', 'inbox_message_inbox_key_list_rank_due_at_id'),
    )
    for column in ('list_rank', 'inbox_key'):
        migrator.migrate(migrator.drop_column('inbox_message', column))
