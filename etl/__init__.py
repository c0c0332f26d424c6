"""Write side: declared sources are extracted, validated and loaded into a DuckDB warehouse."""

__version__ = "0.1.0"

import os as _os

# python-docx brings lxml, and openpyxl writes different XLSX bytes when lxml is present. The
# committed sample (data/sample/*.xlsx) is what openpyxl writes without it: keep that, whatever
# else is installed. Set here, before anything in etl imports openpyxl.
_os.environ.setdefault("OPENPYXL_LXML", "False")
