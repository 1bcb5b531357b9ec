"""Tests of the shared plumbing.
"""
