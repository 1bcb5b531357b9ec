"""Tests of the inventory services.
"""
