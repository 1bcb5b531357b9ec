"""Benchmark scripts (run them with the virtual environment's python)."""
