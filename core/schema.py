"""The warehouse contract: what `etl` writes and `dashboard` reads, in one place.

- ENTITIES: the staged columns every adapter feeding an entity must produce (the write side's
  input contract), with the rules' vocabularies.
- PUBLISHED: the tables a build publishes for the read side, with the columns its SQL reads.
  tests/test_core.py checks that every table the SQL references is declared here, and that
  every declared column exists in a real build.

Standard library only, so both sides can import it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

# Tables the read side reads, and the columns of each that its SQL (dashboard/sql) and query
# functions name. A column not listed here may change without notice to the app.
PUBLISHED: dict[str, tuple[str, ...]] = {
    "mart_registrations": (
        "registration_id", "registry", "registries", "kind", "service_name", "latest_service_name",
        "provider_name", "provider_role", "jurisdiction_code", "category", "filed_date", "filed_date_note",
        "batch", "first_published_date",
        "status", "cancelled_date", "cancelled_date_basis", "cancellation_notice", "remarks", "source_file",
        "jurisdiction_name",
        "jurisdiction_name_en",
    ),
    "mart_registrations_delisted": (
        "registration_id", "registries", "service_name", "provider_name", "jurisdiction_code", "filed_date",
        "delisted_load_id", "delisted_at",
    ),
    "mart_registration_changes": (
        "change_type", "registration_id", "old_value", "new_value", "load_id", "previous_load_id",
    ),
    "mart_incidents": (
        "incident_id", "record_type", "occurred_date", "occurred_precision", "reported_date", "title", "country",
        "jurisdiction_code", "provider_names", "service_name", "category", "severity", "issuing_body",
        "violation_types", "enforcement_action", "penalty_amount", "penalty_currency", "status",
        "registration_id", "url", "source", "jurisdiction_name", "jurisdiction_name_en", "event_date",
        "link_status", "link_method", "linked_registration_id", "registration_filed_date",
        "registered_provider_name", "registered_service_name", "is_filed_before_incident", "is_month_precise",
        "provider_key",
    ),
    # The incidents counted per day and field value (the pages' incident KPIs and charts when no
    # provider is searched), and the provider names behind mart_incidents.provider_key.
    "mart_incident_days": (
        "event_date", "record_type", "category", "severity", "source", "jurisdiction_code", "jurisdiction_name",
        "jurisdiction_name_en", "country", "link_status", "link_method", "is_filed_before_incident",
        "penalty_currency", "occurred_precision", "is_month_precise", "record_count", "penalty_amount",
        "penalty_count",
    ),
    "mart_incident_name_keys": ("name_key", "provider_name"),
    "mart_consent": (
        "registration_id", "dataset_name", "has_personal_info", "personal_records", "consented_records",
        "has_sensitive_info", "legal_basis", "audit_date", "source", "service_name", "provider_name", "registry",
        "kind", "category", "jurisdiction_code", "jurisdiction_name", "jurisdiction_name_en", "coverage_status",
        "coverage_pct", "audit_quarter_date",
    ),
    # Sector tags and ownership types (issue 14): the sector and ownership filters, the Licensing
    # page's sector and ownership charts, the Explorer. The sector charts count from the sector rows
    # alone, so each carries the registration fields the period and the filters read.
    "mart_registration_sectors": (
        "registration_id", "sector", "filed_date", "jurisdiction_code", "registries", "provider_name",
    ),
    "mart_provider_ownership": ("provider_name", "ownership_type", "ownership_basis", "sasac_group"),
    # Read by dashboard.queries.provider_aliases when the build has it.
    "mart_provider_aliases": ("provider_id", "alias", "alias_kind"),
    "ref_jurisdictions": ("code", "name_zh", "name_en", "country"),
    # Bookkeeping: each run and source, the declared sources, rows kept out, and the build itself.
    "etl_runs": (
        "load_id", "source", "entity", "status", "started_at", "finished_at", "rows_read", "rows_loaded",
        "rows_quarantined", "headers", "message",
    ),
    "etl_sources": ("source", "entity", "adapter", "registry", "location", "attribution", "data_load_id"),
    "quarantine": (
        "load_id", "source", "source_file", "source_line", "columns", "raw_record", "rules", "reason", "kind",
    ),
    "warehouse_meta": ("load_id", "built_at", "etl_version", "is_sample"),
    # The file each loaded row came from (an archive file for a fetched source): source_files.sql.
    "stg_registrations": ("source", "source_file"),
    "stg_cancellations": ("source", "source_file"),
    "stg_incidents": ("source", "source_file"),
    "stg_consent": ("source", "source_file"),
    "stg_provider_aliases": ("source", "source_file"),
    # The regulator's announced totals (entity official_totals): official_totals_reconciliation.sql.
    "stg_official_totals": ("date", "list", "filed", "registered", "source_url", "note", "source", "source_file"),
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type of the staged column
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Entity:
    """A canonical entity: the staged columns every adapter feeding it must produce."""

    name: str
    stg_table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Dates before this are implausible for the entity; dates after the run date always are.
    min_date: str = "2000-01-01"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


# on_device: the generative-AI list's separate table of on-device services (since 2026-08).
KINDS = ("filing", "registration", "licence", "on_device")
STATUSES = ("active", "cancelled")
YES_NO_UNKNOWN = ("yes", "no", "unknown")
RECORD_TYPES = ("incident", "enforcement")
SEVERITIES = ("low", "medium", "high", "critical", "unknown")
INCIDENT_CATEGORIES = (
    "deepfake",
    "privacy",
    "misinformation",
    "bias",
    "safety",
    "security",
    "intellectual_property",
    "fraud",
    "unlicensed_service",
    "labelling",
    "content",
    "other",
)
LEGAL_BASES = (
    "consent",
    "separate_consent",
    "contract",
    "legal_duty",
    "public_interest",
    "publicly_available",
    "anonymised",
    "other",
    "unknown",
)
DATE_PRECISIONS = ("day", "month", "year", "range", "open", "unknown")

REGISTRATIONS_ENTITY = Entity(
    name="registrations",
    stg_table="stg_registrations",
    key=("registration_id",),
    min_date="2015-01-01",
    columns=(
        Column("registration_id", "varchar", True, "filing or registration number, as published"),
        Column("registry", "varchar", True, "which list; default: the declaration's `registry`"),
        Column(
            "kind",
            "varchar",
            True,
            "`filing`, `registration`, `licence` or `on_device` "
            "(the generative-AI list's on-device table, never counted as filings)",
        ),
        Column("service_name", "varchar", True, "service, model or algorithm name"),
        Column("provider_name", "varchar", True, "the filing entity"),
        Column("provider_role", "varchar", False, "e.g. `服务提供者`, `服务技术支持者`"),
        Column(
            "jurisdiction_code", "varchar", False, "province in any form (`北京市`, `Beijing`, `CN-BJ`) or `国资委`"
        ),
        Column("category", "varchar", False, "algorithm or service category"),
        Column("products", "varchar[]", False, "products the service appears in"),
        Column("purpose", "varchar", False, "main purpose"),
        Column("filed_date", "date", True, "date filed or registered"),
        Column("filed_date_note", "varchar", False, "note after the date, e.g. `补登`"),
        Column("batch", "varchar", False, "publication batch"),
        Column(
            "published_date",
            "date",
            False,
            "publication date of the notice that published the batch, when known (a fetched notice's date)",
        ),
        Column("status", "varchar", True, "`active` (default) or `cancelled` (default when `cancelled_date` is given)"),
        Column("cancelled_date", "date", False, "when it was cancelled"),
        Column("remarks", "varchar", False, "备注: renames, cancellations"),
    ),
)

CANCELLATIONS_ENTITY = Entity(
    name="cancellations",
    stg_table="stg_cancellations",
    key=("registration_id",),
    min_date="2015-01-01",
    columns=(
        Column("registration_id", "varchar", True, "the cancelled number"),
        Column("cancelled_date", "date", True, "date of the notice (`2025-07` means the first of the month)"),
        Column("notice", "varchar", False, "notice title or reference"),
    ),
)

INCIDENTS_ENTITY = Entity(
    name="incidents",
    stg_table="stg_incidents",
    key=("incident_id",),
    min_date="1980-01-01",
    columns=(
        Column("incident_id", "varchar", True, "id within the source; stored as `<id_prefix>:<id>`"),
        Column("record_type", "varchar", True, "`incident` or `enforcement`"),
        Column("occurred_date", "date", False, "when it happened"),
        Column(
            "occurred_precision",
            "varchar",
            False,
            "`day`, `month`, `year`, `range`, `open`; default from the date's form",
        ),
        Column("reported_date", "date", False, "when reported, or the action's date"),
        Column("title", "varchar", True, "short title"),
        Column("description", "varchar", False, "longer text"),
        Column("country", "varchar", False, "ISO 3166-1 alpha-2"),
        Column("countries", "varchar[]", False, "every country the source names (ISO alpha-2), when several"),
        Column("jurisdiction_code", "varchar", False, "province (any form) or ISO 3166-2 code"),
        Column("provider_names", "varchar[]", False, "provider, developer or deployer names"),
        Column("service_name", "varchar", False, "the service or app"),
        Column(
            "category",
            "varchar",
            True,
            ", ".join(f"`{c}`" for c in INCIDENT_CATEGORIES),
        ),
        Column("severity", "varchar", False, "`low`, `medium`, `high`, `critical`, `unknown`"),
        Column("issuing_body", "varchar", False, "the regulator that acted"),
        Column("violation_types", "varchar[]", False, "violation types as the source words them (enforcement)"),
        Column("enforcement_action", "varchar", False, "fine, takedown, notice …"),
        Column("penalty_amount", "double", False, "≥ 0"),
        Column("penalty_currency", "varchar", False, "ISO 4217, e.g. `CNY`"),
        Column("status", "varchar", False, "e.g. `open`, `closed`"),
        Column("registration_id", "varchar", False, "the linked registration, when known"),
        Column("url", "varchar", False, "link to the report or notice"),
    ),
)

CONSENT_ENTITY = Entity(
    name="consent",
    stg_table="stg_consent",
    key=("registration_id", "dataset_name"),
    min_date="2015-01-01",
    columns=(
        Column("registration_id", "varchar", True, "the registered service"),
        Column("dataset_name", "varchar", True, "training dataset"),
        Column("has_personal_info", "varchar", True, "`yes`, `no` or `unknown`"),
        Column("personal_records", "bigint", False, "records or subjects with personal information"),
        Column(
            "consented_records",
            "bigint",
            False,
            "of those, covered by consent or another legal basis (≤ personal_records)",
        ),
        Column("has_sensitive_info", "varchar", False, "`yes`, `no` or `unknown`"),
        Column(
            "legal_basis",
            "varchar",
            False,
            ", ".join(f"`{c}`" for c in LEGAL_BASES),
        ),
        Column("audit_date", "date", False, "when the declaration was audited"),
    ),
)

PROVIDER_ALIASES_ENTITY = Entity(
    name="provider_aliases",
    stg_table="stg_provider_aliases",
    key=("provider_id",),
    columns=(
        Column("provider_id", "varchar", True, "canonical provider id, a lowercase slug: `baidu`"),
        Column("name_en", "varchar", True, "English name: `Baidu`"),
        Column("name_zh", "varchar", False, "Chinese name: `百度`"),
        Column("legal_names", "varchar[]", False, "legal entities as filed: `北京百度网讯科技有限公司`"),
        Column("aliases", "varchar[]", False, "other names and spellings, any language"),
        Column("slugs", "varchar[]", False, "entity slugs used by incident databases: `baidu`"),
        Column("country", "varchar", False, "ISO 3166-1 alpha-2 country of the headquarters"),
    ),
)

# A regulator's announced cumulative totals for a list, to reconcile the batches against.
OFFICIAL_TOTALS_ENTITY = Entity(
    name="official_totals",
    stg_table="stg_official_totals",
    key=("date", "list"),
    min_date="2015-01-01",
    columns=(
        Column("date", "date", True, "the date the totals are as of"),
        Column("list", "varchar", True, "the list they count, as a `registry`: `cac_genai`"),
        Column("filed", "bigint", False, "cumulative filings (备案) announced; empty when none was announced"),
        Column("registered", "bigint", False, "cumulative registrations (登记) announced; empty when none was"),
        Column("source_url", "varchar", False, "where the figures were published"),
        Column("note", "varchar", False, "who reported them, and what to know about them"),
    ),
)

# The fields of a registration a sector rule can look at (mart_registration_sectors).
SECTOR_RULE_FIELDS = ("service_name", "provider_name", "purpose", "products", "category")
# The sectors of the seed rules (data/sector_rules.csv), in the order the app lists them. A rule
# may name another sector (a lowercase key); the app then shows the key as its label.
SECTORS = (
    "healthcare",
    "education",
    "finance",
    "government_public",
    "legal",
    "customer_service",
    "ecommerce_retail",
    "media_content",
    "transport_automotive",
    "manufacturing_industry",
    "energy",
    "telecoms",
    "general_purpose",
)
UNCLASSIFIED = "unclassified"
# Ownership types of a provider (mart_provider_ownership), each decided by one stated basis.
OWNERSHIP_TYPES = ("central_soe", "university", "research_institute", "other_enterprise")

SECTOR_RULES_ENTITY = Entity(
    name="sector_rules",
    stg_table="stg_sector_rules",
    key=("sector", "field", "pattern"),
    columns=(
        Column("sector", "varchar", True, "Sector key the rule tags: healthcare, finance …"),
        Column("field", "varchar", True, "Registration field the rule reads: " + " / ".join(SECTOR_RULE_FIELDS)),
        Column("pattern", "varchar", True, "Text that must appear in the field (any case, Chinese or English)"),
        Column("priority", "bigint", True, "Of the rules firing on a registration, only the highest priority counts"),
        Column("note", "varchar", False, "Why the rule is there"),
    ),
)

CENTRAL_ENTERPRISES_ENTITY = Entity(
    name="central_enterprises",
    stg_table="stg_central_enterprises",
    key=("group_name",),
    min_date="2003-01-01",
    columns=(
        Column("group_name", "varchar", True, "Group name as SASAC lists it: 中国电信集团有限公司"),
        Column("other_names", "varchar[]", False, "Alternative and short names, subsidiaries' names: 中国电信; 天翼"),
        Column("source_url", "varchar", True, "Where the list was published"),
        Column("as_of", "date", True, "Date of the published list"),
    ),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        REGISTRATIONS_ENTITY,
        CANCELLATIONS_ENTITY,
        INCIDENTS_ENTITY,
        CONSENT_ENTITY,
        PROVIDER_ALIASES_ENTITY,
        OFFICIAL_TOTALS_ENTITY,
        SECTOR_RULES_ENTITY,
        CENTRAL_ENTERPRISES_ENTITY,
    )
}

# Columns every staged row carries besides the entity's own.
LINEAGE_COLUMNS = (
    Column("source", "varchar", True, "Source name from the config"),
    Column("load_id", "varchar", True, "The run that loaded the row"),
    Column("source_file", "varchar", True, "File the row came from"),
    Column("source_line", "bigint", True, "Line (CSV) or row (XLSX) or record index (JSON)"),
)
