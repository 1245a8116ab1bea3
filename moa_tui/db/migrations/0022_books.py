"""The practice's general ledger (issue 13 item 1): chart of accounts (seeded), journal
entries and lines, per-account month totals, the books' settings (lock date).
Backend-neutral (peewee schema calls). The chart is written out here, as it was when this
migration was made (services/books/accounts.py names the codes)."""
from peewee import *

CHART = (
    ('1000', 'Cash drawer', 'asset', 'debit'),
    ('1010', 'Operating bank account', 'asset', 'debit'),
    ('1020', 'Undeposited funds', 'asset', 'debit'),
    ('1100', 'Patient accounts receivable', 'asset', 'debit'),
    ('1110', 'Insurance accounts receivable', 'asset', 'debit'),
    ('1200', 'Medical supplies inventory', 'asset', 'debit'),
    ('2000', 'Accounts payable', 'liability', 'credit'),
    ('2010', 'Received, not yet billed', 'liability', 'credit'),
    ('2100', 'Patient credits / prepayments', 'liability', 'credit'),
    ('3000', "Owner's equity", 'equity', 'credit'),
    ('3100', "Owner's drawings", 'equity', 'debit'),
    ('4000', 'Patient service revenue', 'revenue', 'credit'),
    ('4100', 'Late fee income', 'revenue', 'credit'),
    ('4900', 'Contractual adjustments', 'revenue', 'debit'),
    ('6100', 'Bad debt', 'expense', 'debit'),
    ('6200', 'Medical supplies expense', 'expense', 'debit'),
    ('6210', 'Inventory adjustments and shrinkage', 'expense', 'debit'),
    ('6300', 'Rent', 'expense', 'debit'),
    ('6400', 'Payroll', 'expense', 'debit'),
    ('6500', 'Utilities', 'expense', 'debit'),
    ('6600', 'Office expense', 'expense', 'debit'),
    ('6900', 'Purchase discounts taken', 'expense', 'credit'),
    ('6950', 'Cash over and short', 'expense', 'debit'),
)


def up(migrator, db):
    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class Account(Model):
        code = CharField(max_length=16, unique=True)
        name = CharField(max_length=80)
        type = CharField(max_length=10)
        normal_side = CharField(max_length=6)
        active = BooleanField(default=True)
        parent = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'account'

    class JournalEntry(Model):
        entry_date = DateField()
        memo = CharField(max_length=200, default='')
        source = CharField(max_length=16)
        source_id = BigIntegerField(null=True)
        staff = ForeignKeyField(StaffMember, backref='+')
        posted_at = DateTimeField()
        reverses = ForeignKeyField('self', null=True, unique=True, backref='+')

        class Meta:
            database = db
            table_name = 'journal_entry'
            indexes = (
                (('entry_date', 'id'), False),
                (('source', 'source_id'), False),
            )

    class JournalLine(Model):
        entry = ForeignKeyField(JournalEntry, on_delete='RESTRICT')
        account = ForeignKeyField(Account, backref='+', on_delete='RESTRICT')
        entry_date = DateField()
        amount = BigIntegerField()

        class Meta:
            database = db
            table_name = 'journal_line'
            indexes = (
                (('account', 'entry_date', 'id'), False),
                (('entry_date', 'account', 'amount'), False),
            )

    class AccountMonth(Model):
        account = ForeignKeyField(Account, backref='+', on_delete='RESTRICT')
        month = DateField()
        amount = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = 'account_month'
            indexes = ((('account', 'month'), True),)

    class BooksSettings(Model):
        lock_date = DateField(null=True)
        books_start = DateField(null=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'books_settings'

    db.create_tables([Account, JournalEntry, JournalLine, AccountMonth, BooksSettings])
    for code, name, kind, side in CHART:
        Account.insert(code=code, name=name, type=kind, normal_side=side).execute()
    BooksSettings.insert(lock_date=None, books_start=None).execute()


def down(migrator, db):
    for table in ('books_settings', 'account_month', 'journal_line', 'journal_entry', 'account'):
        migrator.migrate(migrator.drop_table(table))
