"""Products, sizes and stock: search, the size grid, pulls, holds and the
catalog import.
"""
