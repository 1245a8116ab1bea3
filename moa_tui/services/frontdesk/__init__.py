"""Front desk: check-in and check-out, the flow board, payments and receipts, intake forms, the
self check-in kiosk.
"""
