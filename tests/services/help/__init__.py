"""Tests of the help request's services.
"""
