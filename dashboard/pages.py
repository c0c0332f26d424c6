"""The dashboard's pages, declared once: app.py registers them, KPI cards link to them, and the
tests and the bench run them from this table. Add a page here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str  # stable name used by code, tests and the bench
    file: str  # the page script, relative to app.py
    title_key: str  # dashboard.i18n key of the title in the navigation and the page header
    icon: str
    url_path: str  # the address people share: /<url_path>?<filters>; never change one lightly
    section: str  # dashboard.i18n key of the navigation group


PAGES: tuple[Page, ...] = (
    Page("overview", "pages/overview.py", "page_overview", ":material/dashboard:", "overview", "section_analysis"),
    Page(
        "licensing", "pages/licensing.py", "page_licensing", ":material/trending_up:", "licensing", "section_analysis"
    ),
    Page("violations", "pages/violations.py", "page_violations", ":material/gavel:", "violations", "section_analysis"),
    Page("consent", "pages/consent.py", "page_consent", ":material/verified_user:", "consent", "section_analysis"),
    Page("explorer", "pages/explorer.py", "page_explorer", ":material/search:", "explorer", "section_records"),
    Page(
        "quality", "pages/data_quality.py", "page_quality", ":material/fact_check:", "data-quality", "section_records"
    ),
    Page("briefing", "pages/briefing.py", "page_briefing", ":material/summarize:", "briefing", "section_records"),
)
BY_KEY = {page.key: page for page in PAGES}
DEFAULT = PAGES[0]  # opened at "/"
