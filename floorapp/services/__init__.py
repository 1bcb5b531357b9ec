"""The domain: plain functions that own their transaction and raise DomainError.

Nothing in here touches `flask.request`; the web, API and CLI layers call these.
"""
