"""Tests of the managers' figures.
"""
