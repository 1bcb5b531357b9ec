"""Web Push: who is told of what, the outbox of pushes, and their delivery (issue 14)."""
