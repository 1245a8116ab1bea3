"""Electronic claims and remittances (issue 11 items 4, 5, 7): 837P batches with unique
interchange and group control numbers and the claims each carried, imported 835s and their
claim payments (one posting per check or EFT number and claim), money posted against
claims, and the adjustment reason codes' descriptions. Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    Payer = stub('payer')
    StaffMember = stub('staff_member')
    Claim = stub('claim')
    ClaimLine = stub('claim_line')

    class X12Batch(Model):
        payer = ForeignKeyField(Payer)
        interchange_no = IntegerField(unique=True)
        group_no = IntegerField(unique=True)
        claim_count = IntegerField()
        total_cents = IntegerField()
        content = TextField()
        sha256 = CharField(max_length=64)
        staff = ForeignKeyField(StaffMember)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'x12_batch'

    class X12BatchClaim(Model):
        batch = ForeignKeyField(X12Batch, on_delete='CASCADE')
        claim = ForeignKeyField(Claim)

        class Meta:
            database = db
            table_name = 'x12_batch_claim'
            indexes = ((('batch', 'claim'), True),)

    class Remittance(Model):
        sha256 = CharField(max_length=64, unique=True)
        payer_name = CharField(max_length=80, default='')
        check_no = CharField(max_length=50)
        paid_cents = IntegerField()
        provider_adjustment_cents = IntegerField(default=0)
        payment_date = DateField(null=True)
        claim_count = IntegerField()
        file_name = CharField(max_length=255, default='')
        staff = ForeignKeyField(StaffMember)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'remittance'

    class RemittanceClaim(Model):
        remittance = ForeignKeyField(Remittance, on_delete='CASCADE')
        claim = ForeignKeyField(Claim)
        check_no = CharField(max_length=50)
        status_code = CharField(max_length=2)
        charge_cents = IntegerField()
        paid_cents = IntegerField()
        patient_cents = IntegerField()
        payer_claim_no = CharField(max_length=50, default='')

        class Meta:
            database = db
            table_name = 'remittance_claim'
            indexes = ((('check_no', 'claim'), True),)

    class ClaimPosting(Model):
        claim = ForeignKeyField(Claim)
        line = ForeignKeyField(ClaimLine, null=True, on_delete='SET NULL')
        kind = CharField(max_length=16)
        cents = IntegerField()
        group_code = CharField(max_length=2, default='')
        reason_code = CharField(max_length=5, default='')
        remark_codes = CharField(max_length=60, default='')
        method = CharField(max_length=6, default='')
        reference = CharField(max_length=50, default='')
        note = CharField(max_length=200, default='')
        remittance = ForeignKeyField(Remittance, null=True)
        reverses = ForeignKeyField('self', null=True)
        staff = ForeignKeyField(StaffMember)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'claim_posting'
            indexes = ((('claim', 'id'), False),)

    class AdjustmentReason(Model):
        code = CharField(max_length=6, primary_key=True)
        description = CharField(max_length=500)

        class Meta:
            database = db
            table_name = 'adjustment_reason'

    db.create_tables(
        [X12Batch, X12BatchClaim, Remittance, RemittanceClaim, ClaimPosting, AdjustmentReason]
    )


def down(migrator, db):
    for table in (
        'adjustment_reason',
        'claim_posting',
        'remittance_claim',
        'remittance',
        'x12_batch_claim',
        'x12_batch',
    ):
        migrator.migrate(migrator.drop_table(table))
