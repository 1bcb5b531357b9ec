"""The organisation: stores and zones, signs, users, login sessions and API tokens.
"""
