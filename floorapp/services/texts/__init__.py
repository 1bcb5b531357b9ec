"""Texts (SMS) to a customer who asked for them: numbers, consent, the outbox, the provider."""
