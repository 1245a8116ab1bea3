"""Billing code sets and charge capture (issue 11 items 1-3): ICD-10-CM, procedure codes and
fees, places of service; a claim's diagnoses, its lines' modifiers, pointers, dates, place
of service and rendering provider; the scrubber's hold reasons; payers' addresses and
timely filing limits."""
from peewee import *


def up(migrator, db):
    class Payer(Model):
        class Meta:
            database = db
            table_name = 'payer'

    class Coverage(Model):
        class Meta:
            database = db
            table_name = 'coverage'

    class Provider(Model):
        class Meta:
            database = db
            table_name = 'provider'

    class Claim(Model):
        class Meta:
            database = db
            table_name = 'claim'

    for name, field in (
        ('address1', CharField(max_length=120, default='')),
        ('city', CharField(max_length=60, default='')),
        ('state', CharField(max_length=2, default='')),
        ('zip', CharField(max_length=10, default='')),
        ('filing_limit_days', IntegerField(default=365)),
    ):
        migrator.migrate(migrator.add_column('payer', name, field))

    migrator.migrate(
        migrator.add_column(
            'claim',
            'coverage_id',
            ForeignKeyField(Coverage, field=Coverage.id, null=True, on_delete='SET NULL'),
        )
    )
    migrator.migrate(
        migrator.add_column(
            'claim', 'primary_claim_id', ForeignKeyField(Claim, field=Claim.id, null=True)
        )
    )
    for name, field in (
        ('modifiers', CharField(max_length=11, default='')),
        ('pointers', CharField(max_length=11, default='')),
        ('fee_cents', IntegerField(null=True)),
        ('service_from', DateField(null=True)),
        ('service_to', DateField(null=True)),
        ('place_of_service', CharField(max_length=2, default='')),
    ):
        migrator.migrate(migrator.add_column('claim_line', name, field))
    migrator.migrate(
        migrator.add_column(
            'claim_line',
            'rendering_provider_id',
            ForeignKeyField(Provider, field=Provider.id, null=True),
        )
    )

    class ClaimDiagnosis(Model):
        claim = ForeignKeyField(Claim, on_delete='CASCADE')
        position = IntegerField()
        code = CharField(max_length=8)

        class Meta:
            database = db
            table_name = 'claim_diagnosis'
            indexes = ((('claim', 'position'), True),)

    class ClaimHold(Model):
        claim = ForeignKeyField(Claim, on_delete='CASCADE')
        rule = CharField(max_length=24)
        message = CharField(max_length=300)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'claim_hold'

    class CodeSet(Model):
        kind = CharField(max_length=8, primary_key=True)
        code_year = IntegerField(null=True)
        first_year = IntegerField(null=True)
        count = IntegerField(default=0)
        source = CharField(max_length=200, default='')
        examples = BooleanField(default=False)
        loaded_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'code_set'

    class DiagnosisCode(Model):
        code = CharField(max_length=8, unique=True)
        description = CharField(max_length=250)
        billable = BooleanField()
        first_year = IntegerField()
        last_year = IntegerField()

        class Meta:
            database = db
            table_name = 'diagnosis_code'

    class DiagnosisWord(Model):
        word = CharField(max_length=32)
        code = ForeignKeyField(DiagnosisCode, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'diagnosis_word'
            indexes = ((('word', 'code'), True),)

    class ProcedureCode(Model):
        kind = CharField(max_length=6)
        code = CharField(max_length=5, unique=True)
        description = CharField(max_length=250)
        fee_cents = IntegerField(null=True)
        examples = BooleanField(default=False)

        class Meta:
            database = db
            table_name = 'procedure_code'

    class PayerFee(Model):
        procedure = ForeignKeyField(ProcedureCode, on_delete='CASCADE')
        payer = ForeignKeyField(Payer, on_delete='CASCADE')
        fee_cents = IntegerField()

        class Meta:
            database = db
            table_name = 'payer_fee'
            indexes = ((('procedure', 'payer'), True),)

    class PlaceOfService(Model):
        code = CharField(max_length=2, unique=True)
        name = CharField(max_length=120)

        class Meta:
            database = db
            table_name = 'place_of_service'

    db.create_tables(
        [
            ClaimDiagnosis,
            ClaimHold,
            CodeSet,
            DiagnosisCode,
            DiagnosisWord,
            ProcedureCode,
            PayerFee,
            PlaceOfService,
        ]
    )


def down(migrator, db):
    for table in (
        'place_of_service',
        'payer_fee',
        'procedure_code',
        'diagnosis_word',
        'diagnosis_code',
        'code_set',
        'claim_hold',
        'claim_diagnosis',
    ):
        migrator.migrate(migrator.drop_table(table))
    for name in (
        'rendering_provider_id',
        'place_of_service',
        'service_to',
        'service_from',
        'fee_cents',
        'pointers',
        'modifiers',
    ):
        migrator.migrate(migrator.drop_column('claim_line', name))
    migrator.migrate(migrator.drop_column('claim', 'primary_claim_id'))
    migrator.migrate(migrator.drop_column('claim', 'coverage_id'))
    for name in ('filing_limit_days', 'zip', 'state', 'city', 'address1'):
        migrator.migrate(migrator.drop_column('payer', name))
