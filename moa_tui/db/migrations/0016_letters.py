"""Letters from templates and the mail log (issue 12 items 3, 4). Backend-neutral (peewee schema calls); the
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
    Claim = stub('claim')

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

    class MailItem(Model):
        direction = CharField(max_length=3, default='in')
        mail_date = DateField()
        party = CharField(max_length=120)
        kind = CharField(max_length=16)
        patient = ForeignKeyField(Patient, null=True, on_delete='SET NULL', backref='+')
        claim = ForeignKeyField(Claim, null=True, on_delete='SET NULL', backref='+')
        vendor = CharField(max_length=80, default='')
        outcome = CharField(max_length=300, default='')
        handled_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        address_fixed_at = DateTimeField(null=True)
        address_fixed_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL',
                                           backref='+')
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'mail_item'
            indexes = (
                (('mail_date',), False),
                (('patient', 'kind', 'address_fixed_at'), False),
            )

    db.create_tables([LetterTemplate, Letter, MailItem])


def down(migrator, db):
    for table in ('mail_item', 'letter', 'letter_template'):
        migrator.migrate(migrator.drop_table(table))
