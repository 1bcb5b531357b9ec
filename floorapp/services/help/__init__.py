"""The help request: its moves (the state machine), intake from a sign, what people
see of it, escalation, availability and the answers a card carries.
"""
