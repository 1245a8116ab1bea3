"""The chart for the desk (issue 12 item 8): allergies, medications, problems, vitals,
visit notes, documents filed to a patient (metadata and bytes in separate tables) and the
largest document a practice accepts. Backend-neutral (peewee schema calls)."""
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

    def meta(table, *indexes):
        return type('Meta', (), {'database': db, 'table_name': table, 'indexes': indexes})

    class Allergy(Model):
        patient = ForeignKeyField(Patient, backref='+')
        no_known = BooleanField(default=False)
        substance = CharField(max_length=80, default='')
        reaction = CharField(max_length=120, default='')
        severity = CharField(max_length=8, default='unknown')
        noted_on = DateField()
        noted_by = ForeignKeyField(StaffMember, backref='+')
        retired_at = DateTimeField(null=True)
        retired_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        retired_why = CharField(max_length=120, default='')
        version = IntegerField(default=1)
        Meta = meta('allergy', (('patient', 'retired_at'), False))

    class Medication(Model):
        patient = ForeignKeyField(Patient, backref='+')
        name = CharField(max_length=80)
        dose = CharField(max_length=40, default='')
        how_taken = CharField(max_length=80, default='')
        prescriber = CharField(max_length=80, default='')
        started_on = DateField(null=True)
        stopped_on = DateField(null=True)
        stop_why = CharField(max_length=120, default='')
        stopped_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        entered_by = ForeignKeyField(StaffMember, backref='+')
        entered_at = DateTimeField()
        version = IntegerField(default=1)
        Meta = meta('medication', (('patient', 'stopped_on'), False))

    class Problem(Model):
        patient = ForeignKeyField(Patient, backref='+')
        code = CharField(max_length=8)
        description = CharField(max_length=250)
        onset_on = DateField(null=True)
        resolved_on = DateField(null=True)
        resolved_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        entered_by = ForeignKeyField(StaffMember, backref='+')
        entered_at = DateTimeField()
        version = IntegerField(default=1)
        Meta = meta('problem', (('patient', 'resolved_on'), False))

    class VitalSigns(Model):
        patient = ForeignKeyField(Patient, backref='+')
        taken_at = DateTimeField()
        systolic = IntegerField(null=True)
        diastolic = IntegerField(null=True)
        pulse = IntegerField(null=True)
        temp_tenths_f = IntegerField(null=True)
        weight_tenths_lb = IntegerField(null=True)
        height_tenths_in = IntegerField(null=True)
        out_of_range = CharField(max_length=120, default='')
        taken_by = ForeignKeyField(StaffMember, backref='+')
        Meta = meta('vital_signs', (('patient', 'taken_at'), False))

    class VisitNote(Model):
        patient = ForeignKeyField(Patient, backref='+')
        amends = ForeignKeyField('self', null=True, backref='+', on_delete='RESTRICT')
        visit_date = DateField()
        title = CharField(max_length=80, default='')
        body = TextField()
        written_by = ForeignKeyField(StaffMember, backref='+')
        written_at = DateTimeField()
        updated_by = ForeignKeyField(StaffMember, backref='+')
        updated_at = DateTimeField()
        signed_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL', backref='+')
        signed_at = DateTimeField(null=True)
        version = IntegerField(default=1)
        Meta = meta('visit_note', (('patient', 'visit_date'), False), (('amends',), False))

    class PatientDocument(Model):
        patient = ForeignKeyField(Patient, backref='+')
        kind = CharField(max_length=16)
        doc_date = DateField()
        description = CharField(max_length=200, default='')
        file_name = CharField(max_length=255)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        is_text = BooleanField(default=False)
        filed_by = ForeignKeyField(StaffMember, backref='+')
        filed_at = DateTimeField()
        Meta = meta('patient_document', (('patient', 'doc_date'), False))

    class DocumentBlob(Model):
        document = ForeignKeyField(PatientDocument, unique=True, backref='+',
                                   on_delete='CASCADE')
        data = BlobField()
        Meta = meta('document_blob')

    db.create_tables([Allergy, Medication, Problem, VitalSigns, VisitNote, PatientDocument,
                      DocumentBlob])
    migrator.migrate(
        migrator.add_column('clinic_settings', 'document_max_mb', IntegerField(default=10)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('clinic_settings', 'document_max_mb'))
    for table in ('document_blob', 'patient_document', 'visit_note', 'vital_signs', 'problem',
                  'medication', 'allergy'):
        migrator.migrate(migrator.drop_table(table))
