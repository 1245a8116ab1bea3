"""Inventory depth (issue 13 item 4): storage locations, lots with expiry dates at each
location, each item's stock value at moving average cost, and the near-expiry setting.
Stock already on hand moves into one lot without a number at "Supply room"; its value
stays 0 (its cost was never recorded). Backend-neutral (peewee schema calls)."""
from peewee import *


def up(migrator, db):
    def stub(table):
        class Stub(Model):
            class Meta:
                database = db
                table_name = table

        return Stub

    SupplyItem = stub('supply_item')

    class StockLocation(Model):
        name = CharField(max_length=40, unique=True)
        active = BooleanField(default=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'stock_location'

    class StockLot(Model):
        item = ForeignKeyField(SupplyItem)
        lot_number = CharField(max_length=30, default='')
        expiry = DateField(null=True)
        location = ForeignKeyField(StockLocation)
        on_hand = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'stock_lot'
            indexes = (
                (('item', 'lot_number', 'location'), True),
                (('expiry', 'id'), False),
            )

    class SupplySettings(Model):
        near_expiry_days = IntegerField(default=60)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'supply_settings'

    db.create_tables([StockLocation, StockLot, SupplySettings])
    migrator.migrate(
        migrator.add_column('supply_item', 'value_cents', IntegerField(default=0)),
        migrator.add_column('supply_item', 'last_cost_cents', IntegerField(default=0)),
        migrator.add_column(
            'stock_movement', 'lot_id', ForeignKeyField(StockLot, field=StockLot.id, null=True)
        ),
        migrator.add_column('stock_movement', 'value_cents', IntegerField(default=0)),
        migrator.add_column('stock_movement', 'source', CharField(max_length=20, default='')),
        migrator.add_column('stock_movement', 'source_id', IntegerField(null=True)),
    )
    room = StockLocation.insert(name='Supply room').execute()
    db.execute_sql(
        'INSERT INTO stock_lot (item_id, lot_number, expiry, location_id, on_hand) '
        "SELECT id, '', NULL, %s, on_hand FROM supply_item WHERE on_hand > 0"
        % int(room)
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index('stock_movement', 'stock_movement_lot_id'))
    for column in ('source_id', 'source', 'value_cents', 'lot_id'):
        migrator.migrate(migrator.drop_column('stock_movement', column))
    for column in ('last_cost_cents', 'value_cents'):
        migrator.migrate(migrator.drop_column('supply_item', column))
    for table in ('supply_settings', 'stock_lot', 'stock_location'):
        migrator.migrate(migrator.drop_table(table))
