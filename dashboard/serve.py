"""Start the dashboard server: `python -m dashboard.serve [streamlit options]`.

Use this instead of `streamlit run app.py`. Streamlit treats a `pages/` folder beside the main
script as a legacy (v1) multipage app until some session first calls `st.navigation`; until
then, a deep link such as /data_quality on a freshly started server runs that page file
directly, skipping app.py (its sign-in gate, filters and URL state) and showing "Page not
found" for the app's own links such as /data-quality. app.py routes every page with st.navigation,
so the legacy mode is switched off here, before the first session starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(argv: list[str] | None = None) -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
