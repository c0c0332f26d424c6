"""Country spellings to ISO 3166-1 alpha-2 (a helper for the incident adapters, not an adapter).

Incident sources spell countries freely: `US`, `USA`, `United States`, `S Korea`, `Türkiye`,
`Poland ` (trailing space), US states (`California`), UK nations (`Scotland`). Region names map
to their country and, for US states and UK nations, to an ISO 3166-2 region. Words that name no
one country (`Multiple`, `Global`, `EU`) are recognised and give no country. Spellings not listed
here are reported in the run's notes rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb

from etl.sqlquote import quote_ident as q

COUNTRIES: dict[str, tuple[str, ...]] = {
    "AE": ("United Arab Emirates", "UAE", "UAE/Dubai", "Dubai", "UAE - Abu Dhabi", "Abu Dhabi"),
    "AF": ("Afghanistan",),
    "AL": ("Albania",),
    "AO": ("Angola",),
    "AR": ("Argentina",),
    "AT": ("Austria",),
    "AU": ("Australia",),
    "BA": ("Bosnia and Herzegovina", "Bosnia"),
    "BD": ("Bangladesh",),
    "BE": ("Belgium",),
    "BF": ("Burkina Faso", "Burkino Faso"),
    "BG": ("Bulgaria",),
    "BJ": ("Benin",),
    "BN": ("Brunei",),
    "BR": ("Brazil",),
    "BS": ("Bahamas",),
    "BW": ("Botswana",),
    "CA": ("Canada",),
    "CD": ("Democratic Republic of the Congo", "DR Congo"),
    "CH": ("Switzerland",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"),
    "CL": ("Chile",),
    "CM": ("Cameroon",),
    "CN": ("China", "PRC", "People's Republic of China", "中国", "中华人民共和国"),
    "CO": ("Colombia",),
    "CY": ("Cyprus",),
    "CZ": ("Czechia", "Czech Republic"),
    "DE": ("Germany",),
    "DK": ("Denmark",),
    "DZ": ("Algeria",),
    "EC": ("Ecuador",),
    "EE": ("Estonia",),
    "EG": ("Egypt",),
    "ES": ("Spain", "Canary Islands"),
    "ET": ("Ethiopia",),
    "FI": ("Finland",),
    "FJ": ("Fiji",),
    "FK": ("Falkland Islands",),
    "FR": ("France",),
    "GB": ("United Kingdom", "UK", "U.K.", "Great Britain", "Britain"),
    "GA": ("Gabon",),
    "GH": ("Ghana",),
    "GL": ("Greenland",),
    "GQ": ("Equatorial Guinea",),
    "GR": ("Greece",),
    "GY": ("Guyana",),
    "HK": ("Hong Kong",),
    "HR": ("Croatia",),
    "HU": ("Hungary", "EU - Hungary"),
    "ID": ("Indonesia",),
    "IE": ("Ireland", "Republic of Ireland", "Rep Ireland", "Rep. Ireland"),
    "IL": ("Israel",),
    "IM": ("Isle of Man",),
    "IN": ("India",),
    "IQ": ("Iraq",),
    "IR": ("Iran",),
    "IS": ("Iceland",),
    "IT": ("Italy",),
    "JM": ("Jamaica",),
    "JO": ("Jordan",),
    "JP": ("Japan",),
    "KE": ("Kenya",),
    "KH": ("Cambodia",),
    "KP": ("North Korea", "N Korea"),
    "KR": ("South Korea", "S Korea", "Korea", "Republic of Korea"),
    "KZ": ("Kazakhstan",),
    "LA": ("Laos",),
    "LB": ("Lebanon",),
    "LI": ("Liechtenstein",),
    "LK": ("Sri Lanka",),
    "LS": ("Lesotho",),
    "LT": ("Lithuania",),
    "LU": ("Luxembourg",),
    "LV": ("Latvia",),
    "LY": ("Libya",),
    "MA": ("Morocco",),
    "MD": ("Moldova",),
    "ME": ("Montenegro",),
    "MG": ("Madagascar",),
    "MK": ("North Macedonia", "Macedonia"),
    "ML": ("Mali",),
    "MM": ("Myanmar", "Burma"),
    "MO": ("Macao", "Macau"),
    "MT": ("Malta",),
    "MU": ("Mauritius",),
    "MW": ("Malawi",),
    "MX": ("Mexico",),
    "MY": ("Malaysia",),
    "MZ": ("Mozambique",),
    "NA": ("Namibia",),
    "NG": ("Nigeria",),
    "NI": ("Nicaragua",),
    "NL": ("Netherlands", "The Netherlands", "Holland"),
    "NO": ("Norway",),
    "NP": ("Nepal",),
    "NR": ("Nauru",),
    "NZ": ("New Zealand",),
    "PE": ("Peru",),
    "PH": ("Philippines",),
    "PK": ("Pakistan",),
    "PL": ("Poland",),
    "PS": ("Palestine",),
    "PT": ("Portugal",),
    "QA": ("Qatar",),
    "RO": ("Romania",),
    "RS": ("Serbia",),
    "RU": ("Russia", "Russian Federation"),
    "RW": ("Rwanda",),
    "SA": ("Saudi Arabia",),
    "SD": ("Sudan",),
    "SE": ("Sweden",),
    "SG": ("Singapore",),
    "SI": ("Slovenia",),
    "SK": ("Slovakia",),
    "SL": ("Sierra Leone",),
    "SY": ("Syria",),
    "TD": ("Chad",),
    "TH": ("Thailand",),
    "TN": ("Tunisia",),
    "TR": ("Türkiye", "Turkey", "Turkiye"),
    "TW": ("Taiwan",),
    "TZ": ("Tanzania", "Zanzibar"),
    "UA": ("Ukraine",),
    "UG": ("Uganda",),
    "US": ("United States", "United States of America", "USA", "US", "U.S.", "U.S.A.", "America"),
    "VE": ("Venezuela",),
    "VN": ("Vietnam", "Viet Nam"),
    "VU": ("Vanuatu",),
    "XK": ("Kosovo",),
    "YE": ("Yemen",),
    "ZA": ("South Africa",),
    "ZM": ("Zambia",),
    "ZW": ("Zimbabwe",),
}
# Regions that name a country and an ISO 3166-2 subdivision.
REGIONS: dict[str, tuple[str, str]] = {
    "England": ("GB", "GB-ENG"),
    "UK - England": ("GB", "GB-ENG"),
    "Scotland": ("GB", "GB-SCT"),
    "Wales": ("GB", "GB-WLS"),
    "Northern Ireland": ("GB", "GB-NIR"),
    "Alabama": ("US", "US-AL"),
    "Alaska": ("US", "US-AK"),
    "Arizona": ("US", "US-AZ"),
    "Arkansas": ("US", "US-AR"),
    "California": ("US", "US-CA"),
    "Colorado": ("US", "US-CO"),
    "Connecticut": ("US", "US-CT"),
    "Delaware": ("US", "US-DE"),
    "Florida": ("US", "US-FL"),
    "Georgia (US)": ("US", "US-GA"),
    "Hawaii": ("US", "US-HI"),
    "Idaho": ("US", "US-ID"),
    "Illinois": ("US", "US-IL"),
    "Indiana": ("US", "US-IN"),
    "Iowa": ("US", "US-IA"),
    "Kansas": ("US", "US-KS"),
    "Kentucky": ("US", "US-KY"),
    "Louisiana": ("US", "US-LA"),
    "Maine": ("US", "US-ME"),
    "Maryland": ("US", "US-MD"),
    "Massachusetts": ("US", "US-MA"),
    "Michigan": ("US", "US-MI"),
    "Minnesota": ("US", "US-MN"),
    "Mississippi": ("US", "US-MS"),
    "Missouri": ("US", "US-MO"),
    "Montana": ("US", "US-MT"),
    "Nebraska": ("US", "US-NE"),
    "Nevada": ("US", "US-NV"),
    "New Hampshire": ("US", "US-NH"),
    "New Jersey": ("US", "US-NJ"),
    "New Mexico": ("US", "US-NM"),
    "New York": ("US", "US-NY"),
    "North Carolina": ("US", "US-NC"),
    "North Dakota": ("US", "US-ND"),
    "Ohio": ("US", "US-OH"),
    "Oklahoma": ("US", "US-OK"),
    "Oregon": ("US", "US-OR"),
    "Pennsylvania": ("US", "US-PA"),
    "Rhode Island": ("US", "US-RI"),
    "South Carolina": ("US", "US-SC"),
    "South Dakota": ("US", "US-SD"),
    "Tennessee": ("US", "US-TN"),
    "Texas": ("US", "US-TX"),
    "Utah": ("US", "US-UT"),
    "Vermont": ("US", "US-VT"),
    "Virginia": ("US", "US-VA"),
    "Washington": ("US", "US-WA"),
    "Washington DC": ("US", "US-DC"),
    "West Virginia": ("US", "US-WV"),
    "Wisconsin": ("US", "US-WI"),
    "Wyoming": ("US", "US-WY"),
}
# Words that name no single country: recognised, so they are not reported as unknown spellings.
NOT_A_COUNTRY = ("Multiple", "Global", "All", "Worldwide", "International", "EU", "European Union", "Europe", "Unknown")


def fold(text: str) -> str:
    """The lookup key: NFKC, no spaces or dots, lowercase (`U.S.A.` and `usa` meet)."""
    return re.sub(r"[\s.]+", "", unicodedata.normalize("NFKC", text)).lower()


def alias_rows() -> list[tuple[str, str | None, str | None]]:
    """(folded spelling, country code or None, region code or None) for every known spelling."""
    rows: dict[str, tuple[str | None, str | None]] = {}
    for code, names in COUNTRIES.items():
        for name in (code, *names):
            rows[fold(name)] = (code, None)
    for name, (code, region) in REGIONS.items():
        rows.setdefault(fold(name), (code, region))
    for name in NOT_A_COUNTRY:
        rows[fold(name)] = (None, None)
    return [(key, code, region) for key, (code, region) in sorted(rows.items())]


def install_table(con: duckdb.DuckDBPyConnection) -> str:
    """Create the temp lookup table `__country_aliases(spelling, country, region)`; its name.

    The SQL key of a spelling is `lower(regexp_replace(to_halfwidth(t), '[\\s.]+', '', 'g'))`,
    the same folding as `fold` for the spellings the sources use."""
    con.execute("create or replace temp table __country_aliases (spelling varchar, country varchar, region varchar)")
    con.executemany("insert into __country_aliases values (?, ?, ?)", alias_rows())
    return "__country_aliases"


def country_key_sql(expr: str) -> str:
    return f"lower(regexp_replace(to_halfwidth({expr}), '[\\s.]+', '', 'g'))"


def resolve(
    con: duckdb.DuckDBPyConnection, raw_table: str, expr: str, name: str, where: str = "true"
) -> tuple[str, list[str]]:
    """Resolve every distinct country text of `raw_table` (the SQL `expr`) into a temp table
    `name(text, country, countries, region)`; returns its name and the unknown spellings.

    A text may list several places (`USA; UK`, `Ireland, South Africa`). `countries` holds every
    country in order of first mention; `country` is set only when they are all one country;
    `region` (US-CA, GB-SCT) only when the text names one region."""
    lookup = install_table(con)
    con.execute(
        f"""
        create or replace temp table {q(name)} as
        with texts as (
            select distinct clean_text({expr}) as text from {q(raw_table)}
            where clean_text({expr}) is not null and ({where})
        ),
        parts as (
            select text, unnest(parts) as part, generate_subscripts(parts, 1) as position
            from (select text, split_values(text, '[;,；，]') as parts from texts)
        ),
        looked_up as (
            select parts.*, aliases.spelling is not null as is_known, aliases.country, aliases.region
            from parts
            left join {lookup} as aliases on aliases.spelling = {country_key_sql("parts.part")}
        ),
        first_mentions as (
            select text, country, min(position) as position
            from looked_up where country is not null
            group by text, country
        ),
        per_text as (
            select
                text,
                list(part order by position) filter (where not is_known) as unknown,
                count(*) as part_count,
                first(region order by position) as first_region,
            from looked_up
            group by text
        ),
        final as (
            select
                per_text.*,
                (select list(country order by position) from first_mentions where first_mentions.text = per_text.text)
                    as all_countries,
            from per_text
        )
        select
            text,
            case when len(all_countries) = 1 then all_countries[1] end as country,
            case when len(all_countries) > 0 then all_countries end as countries,
            case when part_count = 1 then first_region end as region,
            unknown,
        from final
        """
    )
    unknown = [r[0] for r in con.execute(f"select distinct unnest(unknown) from {q(name)} order by 1").fetchall()]
    return name, unknown
