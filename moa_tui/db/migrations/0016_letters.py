"""Letters from templates (issue 12 item 3). Backend-neutral (peewee schema calls); the
shipped templates are seeded by the service on first use (services/comms/templates.py)."""
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

    class LetterTemplate(Model):
        name = CharField(max_length=60, unique=True)
        body = TextField()
        active = BooleanField(default=True)
        version = IntegerField(default=1)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')

        class Meta:
            database = db
            table_name = 'letter_template'

    class Letter(Model):
        patient = ForeignKeyField(Patient, backref='+')
        template = ForeignKeyField(LetterTemplate, null=True, on_delete='SET NULL', backref='+')
        template_name = CharField(max_length=60, default='')
        addressee = CharField(max_length=300, default='')
        body = TextField()
        via = CharField(max_length=8, default='mail')
        file_name = CharField(max_length=500, default='')
        written_by = ForeignKeyField(StaffMember, backref='+')
        written_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'letter'
            indexes = ((('patient', 'written_at'), False),)

    db.create_tables([LetterTemplate, Letter])


def down(migrator, db):
    for table in ('letter', 'letter_template'):
        migrator.migrate(migrator.drop_table(table))
