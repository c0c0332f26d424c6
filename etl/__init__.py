"""Write side: declared sources are extracted, validated and loaded into a DuckDB warehouse."""

__version__ = "0.1.0"
