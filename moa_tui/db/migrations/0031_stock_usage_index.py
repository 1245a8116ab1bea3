"""An index for an item's use by month (issue 13 item 5, the stock chart): the chart sums
a year of one item's "use" movements, which (item, kind, at, quantity) finds and sums
without reading a table row or the item's other movements (receipts, counts, transfers,
years of earlier use). Backend-neutral (playhouse.migrate operations)."""
from peewee import *

COLUMNS = ('item_id', 'kind', 'at', 'quantity')


def up(migrator, db):
    migrator.migrate(migrator.add_index('stock_movement', COLUMNS))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('stock_movement', '_'.join(('stock_movement',) + COLUMNS)))
