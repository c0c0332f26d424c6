"""The neutral core both sides share: the warehouse contract, the SQL file loader and the locked
read-only connection. It imports neither `etl` (the write side) nor `dashboard` (the read side);
both import it. tests/test_layering.py keeps it that way.
"""
