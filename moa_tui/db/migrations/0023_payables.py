"""Accounts payable and purchasing (issue 13 items 2, 3): vendors, vendor items, bills,
bill lines, vendor payments, the match tolerance, purchase orders, their lines, receipts.
Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    StaffMember = stub('staff_member')
    SupplyItem = stub('supply_item')

    class Vendor(Model):
        name = CharField(max_length=80, unique=True)
        address = CharField(max_length=200, default='')
        phone = CharField(max_length=20, default='')
        tax_id = CharField(max_length=20, default='')
        terms = CharField(max_length=10, default='net30')
        contractor = BooleanField(default=False)
        active = BooleanField(default=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'vendor'

    class VendorItem(Model):
        vendor = ForeignKeyField(Vendor, backref='+')
        item = ForeignKeyField(SupplyItem, backref='+')
        last_price_cents = IntegerField(default=0)
        preferred = BooleanField(default=False)

        class Meta:
            database = db
            table_name = 'vendor_item'
            indexes = ((('vendor', 'item'), True), (('item', 'preferred'), False))

    class Bill(Model):
        vendor = ForeignKeyField(Vendor, backref='+')
        number = CharField(max_length=30, default='')
        bill_date = DateField()
        due_date = DateField()
        terms = CharField(max_length=10)
        memo = CharField(max_length=200, default='')
        purchase_order_id = IntegerField(null=True)
        total_cents = IntegerField(default=0)
        paid_cents = IntegerField(default=0)
        discount_cents = IntegerField(default=0)
        status = CharField(max_length=8, default='draft')
        override_reason = CharField(max_length=200, default='')
        approved_by = ForeignKeyField(StaffMember, null=True, backref='+')
        approved_at = DateTimeField(null=True)
        entry_id = IntegerField(null=True)
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'bill'
            indexes = ((('status', 'due_date', 'id'), False), (('vendor', 'bill_date'), False))

    class BillLine(Model):
        bill = ForeignKeyField(Bill, backref='+', on_delete='CASCADE')
        account_code = CharField(max_length=10, default='')
        po_line_id = IntegerField(null=True)
        description = CharField(max_length=120, default='')
        quantity = IntegerField(default=1)
        unit_cents = IntegerField(default=0)
        amount_cents = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'bill_line'

    class VendorPayment(Model):
        bill = ForeignKeyField(Bill, backref='+')
        vendor = ForeignKeyField(Vendor, backref='+')
        paid_on = DateField()
        method = CharField(max_length=5)
        check_number = CharField(max_length=20, default='')
        amount_cents = IntegerField()
        discount_cents = IntegerField(default=0)
        entry_id = IntegerField(null=True)
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'vendor_payment'
            indexes = ((('paid_on', 'id'), False),)

    class PayablesSettings(Model):
        tolerance_percent = IntegerField(default=2)
        tolerance_cents = IntegerField(default=100)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'payables_settings'

    class PurchaseOrder(Model):
        vendor = ForeignKeyField(Vendor, backref='+')
        status = CharField(max_length=10, default='draft')
        ordered_on = DateField(null=True)
        memo = CharField(max_length=200, default='')
        created_by = ForeignKeyField(StaffMember, backref='+')
        created_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'purchase_order'
            indexes = ((('status', 'id'), False),)

    class PurchaseOrderLine(Model):
        order = ForeignKeyField(PurchaseOrder, backref='+', on_delete='CASCADE')
        item = ForeignKeyField(SupplyItem, backref='+')
        quantity = IntegerField()
        unit_cents = IntegerField()
        received_qty = IntegerField(default=0)
        billed_qty = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'purchase_order_line'
            indexes = ((('order', 'item'), True),)

    class Receipt(Model):
        order = ForeignKeyField(PurchaseOrder, backref='+')
        received_on = DateField()
        note = CharField(max_length=200, default='')
        staff = ForeignKeyField(StaffMember, backref='+')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'receipt'

    class ReceiptLine(Model):
        receipt = ForeignKeyField(Receipt, backref='+')
        line = ForeignKeyField(PurchaseOrderLine, backref='+')
        quantity = IntegerField()
        unit_cents = IntegerField()
        over_reason = CharField(max_length=200, default='')
        movement_id = IntegerField(null=True)

        class Meta:
            database = db
            table_name = 'receipt_line'

    db.create_tables([Vendor, VendorItem, Bill, BillLine, VendorPayment, PayablesSettings,
                      PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine])


def down(migrator, db):
    for table in ('receipt_line', 'receipt', 'purchase_order_line', 'purchase_order',
                  'payables_settings', 'vendor_payment', 'bill_line', 'bill', 'vendor_item',
                  'vendor'):
        migrator.migrate(migrator.drop_table(table))
