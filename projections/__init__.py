"""Read models derived from the event log, and the audit side that proves them."""
