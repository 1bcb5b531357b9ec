"""Tests of the demo and benchmark data.
"""
