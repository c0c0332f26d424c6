"""Global filter state and its URL form.

The URL is the shareable form of a view, so every filter has one canonical query-string
encoding. Parsing never raises: a value we do not recognise is dropped and reported as a
notice, so a stale or hand-edited link still opens, just without the bad part.
Streamlit-free, so exports and tests can build the same Filters the sidebar builds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from core.schema import KINDS, SEVERITIES

# Earliest date any period can start; registrations start in 2015 (core.schema), incidents 1980.
EPOCH = date(1980, 1, 1)
DEFAULT_PERIOD = "12m"
MAX_PROVIDER_QUERY = 100
LANGS = ("en", "zh")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CODE = re.compile(r"^[A-Za-z0-9_:\-]{1,64}$")


def current_date() -> date:
    """The date relative periods count back from: DASHBOARD_TODAY (YYYY-MM-DD) when set, so a
    briefing or a test can be reproduced as of a fixed day; otherwise today in UTC."""
    pinned = os.environ.get("DASHBOARD_TODAY", "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            raise ValueError(f"DASHBOARD_TODAY={pinned!r} is not a date; expected YYYY-MM-DD, or unset it") from None
    return datetime.now(UTC).date()


# A drill-down's segment (dashboard/drill.py): the one value of a chart's own dimension that a
# clicked bar or stacked part counts, beside `show`. URL key -> what it matches: a registration's
# category, provider role, the list that speaks for it (mart_registrations.registry, the list a
# stacked bar is split by) and kind; an incident's severity and source. Like `show`, only the
# Explorer reads it (_registration_segment, _incident_show). NOT_STATED stands for a value the
# source leaves empty (the bar labelled "not stated").
SEGMENT_KEYS = ("rcat", "role", "list", "kind", "sev", "src")
NOT_STATED = "-"
_SEGMENT_VALUE = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
# URL keys, one per filter. Short, because people paste these links into chats and mail.
URL_KEYS = ("lang", "period", "from", "to", "jur", "reg", "q", "cat", "sector", "own", "show", *SEGMENT_KEYS)
# Drill-down (`show`): which records a KPI counted, for the Explorer to list exactly those.
# active / new / cancelled registrations (at the period end, filed in it, cancelled in it);
# incident / enforcement records in the period; penalty-<CCY> actions with a penalty in CCY;
# record-month / incident-month / enforcement-month / penalty-<CCY>-month: the records a monthly
# chart draws (dated at least to the month), for a bar of that chart (dashboard/drill.py).
_SHOW = re.compile(
    r"^(active|new|cancelled|providers|incident|enforcement|penalty-([A-Z]{3}|unknown)(-month)?"
    r"|(record|incident|enforcement)-month)$"
)


@dataclass(frozen=True)
class Filters:
    """Everything that narrows a view. Frozen and hashable: it is part of every cache key."""

    period: str = DEFAULT_PERIOD  # "all", "12m", "2025", "2025-Q3", "2025-07" or "custom"
    start: date | None = None  # inclusive; None means open
    end: date | None = None  # inclusive; None means open
    jurisdictions: tuple[str, ...] = ()
    registries: tuple[str, ...] = ()
    provider: str = ""
    categories: tuple[str, ...] = ()  # incident categories (violations page focus)
    show: str = ""  # drill-down: the records a KPI counted (_SHOW); only the Explorer reads it
    sectors: tuple[str, ...] = ()  # registration sectors (mart_registration_sectors)
    ownership: tuple[str, ...] = ()  # provider ownership types (mart_provider_ownership)
    segment: tuple[tuple[str, str], ...] = ()  # drill-down: (SEGMENT_KEYS key, value), sorted
    lang: str = "en"
    today: date = field(default_factory=current_date, compare=False)

    def with_period(self, period: str, start: date | None = None, end: date | None = None) -> Filters:
        s, e = period_bounds(period, self.today, start, end)
        return replace(self, period=period, start=s, end=e)

    def params(self) -> dict:
        """The SQL parameters every filtered query takes (values only, never identifiers).

        The provider search matches part of a name; a leading `=` (a top-provider bar's link)
        asks the registration queries (_registration_scope) for exactly that name."""
        provider = self.provider.strip()
        return {
            "start_date": self.start or EPOCH,
            "end_date": self.end or self.today,
            "is_all_time": self.start is None,
            "jurisdictions": list(self.jurisdictions),
            "registries": list(self.registries),
            "provider": provider.removeprefix("=").strip().lower(),
            "provider_exact": provider.startswith("="),
            "sectors": list(self.sectors),
            "ownership": list(self.ownership),
            **self.segment_params(),
        }

    def segment_params(self) -> dict[str, str]:
        """`seg_<key>` for every SEGMENT_KEYS key: the segment's value, '' when not set."""
        given = dict(self.segment)
        return {f"seg_{key}": given.get(key, "") for key in SEGMENT_KEYS}

    def previous(self) -> Filters | None:
        """The period of equal length just before this one; None when the period is open.

        A calendar preset compares with the calendar period before it (2025 with 2024, Q2 with
        Q1), as analysts read them; rolling and custom ranges with the same number of days."""
        if self.start is None or self.end is None:
            return None
        if m := _YEAR.match(self.period):
            return self.with_period(str(int(m.group(1)) - 1))
        if m := _QUARTER.match(self.period):
            year, quarter = int(m.group(1)), int(m.group(2))
            return self.with_period(f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4")
        if m := _MONTH.match(self.period):
            year, month = int(m.group(1)), int(m.group(2))
            return self.with_period(f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12")
        length = (self.end - self.start).days + 1
        prev_end = self.start - timedelta(days=1)
        return replace(self, period="custom", start=prev_end - timedelta(days=length - 1), end=prev_end)

    def key(self) -> tuple:
        """Plain values for cache keys: filter values only."""
        return (
            self.period,
            self.start,
            self.end,
            self.jurisdictions,
            self.registries,
            self.provider,
            self.categories,
            self.show,
            self.sectors,
            self.ownership,
            self.segment,
            self.lang,
            self.today,
        )


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, nxt - timedelta(days=1)


def period_bounds(
    period: str, today: date, start: date | None = None, end: date | None = None
) -> tuple[date | None, date | None]:
    """Inclusive bounds of a period key. Raises ValueError for a key that is not a period."""
    if period == "all":
        return None, None
    if period == "12m":
        return today - timedelta(days=364), today
    if period == "custom":
        if start is None or end is None or start > end:
            raise ValueError("custom period needs from <= to")
        return start, end
    if m := _YEAR.match(period):
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    if m := _QUARTER.match(period):
        return quarter_bounds(int(m.group(1)), int(m.group(2)))
    if m := _MONTH.match(period):
        return month_bounds(int(m.group(1)), int(m.group(2)))
    raise ValueError(f"unknown period {period!r}")


def period_presets(first_year: int, today: date) -> list[str]:
    """Presets for the sidebar: rolling windows, years and quarters, newest first."""
    presets = ["12m", "all"]
    first_year = max(min(first_year, today.year), EPOCH.year)
    for year in range(today.year, first_year - 1, -1):
        presets.append(str(year))
    for year in range(today.year, first_year - 1, -1):
        for q in (4, 3, 2, 1):
            if quarter_bounds(year, q)[0] <= today:
                presets.append(f"{year}-Q{q}")
    return presets


@dataclass
class ParseResult:
    filters: Filters
    notices: list[tuple[str, str]]  # (url key, offending value)


def _split(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for v in values:
        out.extend(part.strip() for part in v.split(",") if part.strip())
    return out


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_query_params(
    qp: Mapping[str, str | list[str]],
    *,
    known_jurisdictions: Iterable[str] | None = None,
    known_registries: Iterable[str] | None = None,
    known_categories: Iterable[str] | None = None,
    known_sectors: Iterable[str] | None = None,
    known_ownership: Iterable[str] | None = None,
    today: date | None = None,
) -> ParseResult:
    """URL -> Filters. Unknown values are dropped and listed in notices; nothing raises.

    The known_* vocabularies come from the warehouse (and core.schema); None means "cannot check",
    e.g. while the warehouse is missing, and then any well-formed code is kept.
    """
    today = today or current_date()
    notices: list[tuple[str, str]] = []

    def first(key: str) -> str | None:
        value = qp.get(key)
        if isinstance(value, list):
            return value[-1] if value else None
        return value

    lang = first("lang") or "en"
    if lang not in LANGS:
        notices.append(("lang", lang))
        lang = "en"

    period = first("period") or DEFAULT_PERIOD
    start_text, end_text = first("from"), first("to")
    start = _parse_date(start_text) if start_text else None
    end = _parse_date(end_text) if end_text else None
    if start_text and start is None:
        notices.append(("from", start_text))
    if end_text and end is None:
        notices.append(("to", end_text))
    # A shared link outlives its day: a range reaching past today is cut at today (the date
    # widgets cannot show a future date), and the link's own value is named in a notice.
    if end is not None and end > today:
        notices.append(("to", end_text or ""))
        end = today
    if start is not None and start > today:
        notices.append(("from", start_text or ""))
        start = today
    if (start_text or end_text) and period == DEFAULT_PERIOD and "period" not in qp:
        period = "custom"  # a link with only from/to means a custom range
    if period == "custom" and start is not None and end is None:
        end = today
    if period == "custom" and end is not None and start is None:
        start = EPOCH
    try:
        bounds = period_bounds(period, today, start, end)
        if bounds[0] is not None and bounds[0] < EPOCH:
            raise ValueError("before epoch")
    except ValueError:
        notices.append(("period", period if period != "custom" else f"{start_text or ''}..{end_text or ''}"))
        period = DEFAULT_PERIOD
        bounds = period_bounds(period, today)

    def vocab_list(key: str, known: Iterable[str] | None) -> tuple[str, ...]:
        known_set = set(known) if known is not None else None
        kept: list[str] = []
        for v in _split(qp.get(key)):
            ok = bool(_CODE.match(v)) and (known_set is None or v in known_set)
            if ok and v not in kept:
                kept.append(v)
            elif not ok:
                notices.append((key, v))
        return tuple(sorted(kept))

    jurisdictions = vocab_list("jur", known_jurisdictions)
    registries = vocab_list("reg", known_registries)
    categories = vocab_list("cat", known_categories)
    sectors = vocab_list("sector", known_sectors)
    ownership = vocab_list("own", known_ownership)

    show = (first("show") or "").strip()
    if show and not _SHOW.match(show):
        notices.append(("show", show[:20]))
        show = ""

    segment: list[tuple[str, str]] = []
    for key in SEGMENT_KEYS:
        value = (first(key) or "").strip()
        if not value:
            continue
        if _SEGMENT_VALUE.match(value) and _known_segment(key, value, known_registries):
            segment.append((key, value))
        else:
            notices.append((key, value[:20]))

    provider = (first("q") or "").strip()
    if len(provider) > MAX_PROVIDER_QUERY:
        notices.append(("q", provider[:20] + "…"))
        provider = ""

    filters = Filters(
        period=period,
        start=bounds[0],
        end=bounds[1],
        jurisdictions=jurisdictions,
        registries=registries,
        provider=provider,
        categories=categories,
        show=show,
        sectors=sectors,
        ownership=ownership,
        segment=tuple(sorted(segment)),
        lang=lang,
        today=today,
    )
    return ParseResult(filters, notices)


def to_query_params(f: Filters) -> dict[str, str]:
    """Filters -> canonical URL params. Defaults are left out to keep links short."""
    qp: dict[str, str] = {}
    if f.lang != "en":
        qp["lang"] = f.lang
    if f.period != DEFAULT_PERIOD:
        qp["period"] = f.period
    if f.period == "custom" and f.start and f.end:
        qp["from"] = f.start.isoformat()
        qp["to"] = f.end.isoformat()
    if f.jurisdictions:
        qp["jur"] = ",".join(f.jurisdictions)
    if f.registries:
        qp["reg"] = ",".join(f.registries)
    if f.provider:
        qp["q"] = f.provider
    if f.categories:
        qp["cat"] = ",".join(f.categories)
    if f.show:
        qp["show"] = f.show
    if f.sectors:
        qp["sector"] = ",".join(f.sectors)
    if f.ownership:
        qp["own"] = ",".join(f.ownership)
    for key, value in f.segment:
        qp[key] = value
    return qp


def _known_segment(key: str, value: str, known_registries: Iterable[str] | None) -> bool:
    """A segment value from a URL: a declared value where the vocabulary is fixed, a known list;
    categories, roles and sources are names from the sources (any short text; SQL gets it as a
    parameter)."""
    if key == "kind":
        return value in KINDS
    if key == "sev":
        return value in SEVERITIES
    if key == "list":
        return bool(_CODE.match(value)) and (known_registries is None or value in set(known_registries))
    if key == "src":
        return bool(_CODE.match(value))
    return True
