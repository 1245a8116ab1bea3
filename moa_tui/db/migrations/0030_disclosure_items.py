"""What a disclosure released (issue 12 item 9): the patient's filed documents and
letters picked for it, so the release can be exported (the documents' files and the cover
letter) and the accounting can name them. Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    Disclosure = stub('disclosure')
    PatientDocument = stub('patient_document')
    Letter = stub('letter')

    class DisclosureItem(Model):
        disclosure = ForeignKeyField(Disclosure, backref='+', on_delete='CASCADE')
        document = ForeignKeyField(PatientDocument, null=True, backref='+')
        letter = ForeignKeyField(Letter, null=True, backref='+')

        class Meta:
            database = db
            table_name = 'disclosure_item'
            indexes = ((('disclosure', 'document'), True), (('disclosure', 'letter'), True))

    db.create_tables([DisclosureItem])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('disclosure_item'))
