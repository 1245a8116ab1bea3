"""Patient statements and their settings (issue 11 item 8). Backend-neutral (peewee
schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    Patient = stub('patient')
    StaffMember = stub('staff_member')

    class Statement(Model):
        patient = ForeignKeyField(Patient)
        run_no = IntegerField(index=True)
        statement_date = DateField()
        due_date = DateField()
        amount_due_cents = IntegerField()
        pending_cents = IntegerField(default=0)
        text = TextField()
        file_name = CharField(max_length=255, default='')
        staff = ForeignKeyField(StaffMember)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'statement'
            indexes = ((('patient', 'statement_date'), False),)

    class StatementSettings(Model):
        min_balance_cents = IntegerField(default=500)
        days_between = IntegerField(default=30)
        late_fee_bp = IntegerField(default=0)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'statement_settings'

    db.create_tables([Statement, StatementSettings])


def down(migrator, db):
    for table in ('statement_settings', 'statement'):
        migrator.migrate(migrator.drop_table(table))
