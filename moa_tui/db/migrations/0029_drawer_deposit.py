"""The day's money at the desk (issue 13 item 5): the cash drawer's counts (a recount
names the count it replaces) and bank deposits with the payments each took (a payment is
deposited once: kind and source are unique); the day sheet reads a day's account entries
and claim postings by their instant (an index on each's "at"). Backend-neutral (peewee
schema calls)."""
from peewee import *


def up(migrator, db):
    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class DrawerCount(Model):
        day = DateField()
        cash_cents = IntegerField()
        checks_count = IntegerField()
        checks_cents = IntegerField()
        expected_cash_cents = IntegerField()
        expected_checks_count = IntegerField()
        expected_checks_cents = IntegerField()
        note = CharField(max_length=200, default='')
        entry_id = IntegerField(null=True)
        replaces = ForeignKeyField('self', null=True, unique=True, backref='+')
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'drawer_count'
            indexes = ((('day', 'id'), False),)

    class Deposit(Model):
        deposited_on = DateField()
        bank_reference = CharField(max_length=40, default='')
        cash_cents = IntegerField(default=0)
        checks_count = IntegerField(default=0)
        checks_cents = IntegerField(default=0)
        cards_cents = IntegerField(default=0)
        total_cents = IntegerField(default=0)
        entry_id = IntegerField(null=True)
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'deposit'
            indexes = ((('deposited_on', 'id'), False),)

    class DepositItem(Model):
        deposit = ForeignKeyField(Deposit, backref='+', on_delete='RESTRICT')
        kind = CharField(max_length=6)
        source_id = BigIntegerField()
        method = CharField(max_length=6)
        reference = CharField(max_length=50, default='')
        cents = IntegerField()

        class Meta:
            database = db
            table_name = 'deposit_item'
            indexes = ((('kind', 'source_id'), True),)

    db.create_tables([DrawerCount, Deposit, DepositItem])
    migrator.migrate(
        migrator.add_index('account_entry', ('at',), False),
        migrator.add_index('claim_posting', ('at',), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('claim_posting', 'claim_posting_at'),
        migrator.drop_index('account_entry', 'account_entry_at'),
    )
    for table in ('deposit_item', 'deposit', 'drawer_count'):
        migrator.migrate(migrator.drop_table(table))
