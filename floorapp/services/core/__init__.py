"""The plumbing every service shares: transactions, idempotency, the event log,
audit, input parsing, times on the wire and housekeeping.
"""
