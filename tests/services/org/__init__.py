"""Tests of stores, signs, users and sessions.
"""
