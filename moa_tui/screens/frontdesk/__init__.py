"""Front desk screens: the flow board (check-in) and the visit (check-out, payments, receipts)."""
