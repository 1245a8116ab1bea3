"""Referrals in and out, payers' authorizations (visits allowed, dates, the visit types they
cover) and the visit types that need one (issue 12 item 6). Backend-neutral: peewee schema
calls and playhouse.migrate column operations."""
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
    Provider = stub('provider')
    Payer = stub('payer')
    Coverage = stub('coverage')
    AppointmentType = stub('appointment_type')

    class Referral(Model):
        patient = ForeignKeyField(Patient, backref='+')
        direction = CharField(max_length=3, default='out')
        status = CharField(max_length=10, default='draft')
        is_open = BooleanField(default=True)
        other_name = CharField(max_length=120)
        other_npi = CharField(max_length=10, default='')
        other_phone = CharField(max_length=10, default='')
        other_fax = CharField(max_length=10, default='')
        reason = CharField(max_length=300)
        diagnosis_code = CharField(max_length=8, default='')
        provider = ForeignKeyField(Provider, null=True, on_delete='SET NULL', backref='+')
        referred_on = DateField()
        seen_on = DateField(null=True)
        notes = CharField(max_length=1000, default='')
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        updated_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        updated_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'referral'
            indexes = (
                (('patient', 'referred_on'), False),
                (('is_open', 'referred_on'), False),
            )

    class PayerAuthorization(Model):
        patient = ForeignKeyField(Patient, backref='+')
        payer = ForeignKeyField(Payer, backref='+')
        coverage = ForeignKeyField(Coverage, null=True, on_delete='SET NULL', backref='+')
        number = CharField(max_length=40)
        visits_allowed = IntegerField()
        starts_on = DateField()
        expires_on = DateField()
        referral = ForeignKeyField(Referral, null=True, on_delete='SET NULL', backref='+')
        notes = CharField(max_length=500, default='')
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        updated_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        updated_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'payer_authorization'
            indexes = ((('patient', 'expires_on'), False),)

    class AuthorizationType(Model):
        authorization = ForeignKeyField(PayerAuthorization, on_delete='CASCADE', backref='+')
        appt_type = ForeignKeyField(AppointmentType, on_delete='CASCADE', backref='+')

        class Meta:
            database = db
            table_name = 'authorization_type'
            indexes = ((('authorization', 'appt_type'), True),)

    db.create_tables([Referral, PayerAuthorization, AuthorizationType])
    migrator.migrate(
        migrator.add_column(
            'appointment_type', 'needs_authorization', BooleanField(default=False)
        ),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('appointment_type', 'needs_authorization'))
    for table in ('authorization_type', 'payer_authorization', 'referral'):
        migrator.migrate(migrator.drop_table(table))
