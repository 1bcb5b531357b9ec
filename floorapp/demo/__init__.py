"""Demo and benchmark data: the demo stores, catalogs and simulated history.

Production code never imports this package.
"""
