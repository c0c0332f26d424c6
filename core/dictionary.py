"""The data dictionary: what each column means, in English and Chinese, in one place.

Every column a build publishes, a briefing file carries or a page downloads is described here:
its DuckDB type where known, a short label (axis titles, table and CSV headers; the dashboard's
dashboard.i18n.COLUMNS is this LABELS table) and its meaning. The briefing bundle's columns.csv
(columns_rows) and the README's column tables of the canonical input formats (readme_table) are
rendered from it, so they cannot drift apart; tests check that every column of every briefing
file and page download is described, and that the README's tables equal the rendered ones.

Standard library only; core never imports etl or dashboard.
"""

# ruff: noqa: E501  (the tables below keep one column per line)
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.schema import ENTITIES

COLUMNS_CSV_FIELDS = ("file", "column", "type", "meaning_en", "meaning_zh")


# Column -> short label, for axis titles, hover lines, table headers and CSV headers. A chart, table or
# download names a column and gets its label here; a page never spells one. Query columns and
# the *_label columns pages derive for display are both listed. tests/test_dashboard_meta.py
# checks that every column a page shows has a label.
LABELS: dict[str, tuple[str, str]] = {
    # Time
    "month_date": ("Month", "月份"),
    "month_end_date": ("Month end", "月末"),
    "audit_quarter_date": ("Audit quarter", "审计季度"),
    "filed_date": ("Filed", "备案日期"),
    "cancelled_date": ("Cancelled", "注销日期"),
    "event_date": ("Date", "日期"),
    "occurred_date": ("Occurred", "发生日期"),
    "reported_date": ("Reported", "报道日期"),
    "audit_date": ("Audited", "审计日期"),
    "first_event_date": ("First record", "首次记录"),
    "last_event_date": ("Latest record", "最近记录"),
    "last_audit_date": ("Last audit", "最近审计"),
    "registration_filed_date": ("Registration filed", "备案日期"),
    "data_as_of_at": ("Data as of (UTC)", "数据时点（UTC）"),
    "latest_run_at": ("Latest run (UTC)", "最近运行（UTC）"),
    "started_at": ("Started (UTC)", "开始（UTC）"),
    "finished_at": ("Finished (UTC)", "结束（UTC）"),
    "duration_seconds": ("Duration (s)", "耗时（秒）"),
    # Counts, shares and amounts
    "filing_count": ("Filings (count)", "备案（件）"),
    "filed_count": ("Filings (count)", "备案（件）"),
    "cancelled_count": ("Cancelled in period", "期内注销"),
    "active_count": ("Active registrations (count)", "有效备案（件）"),
    "registration_count": ("Registrations (count)", "备案（件）"),
    "record_count": ("Records (count)", "记录（件）"),
    "type_count": ("Records (count)", "记录（件）"),
    "incident_count": ("Incidents", "事件"),
    "enforcement_count": ("Enforcement actions", "执法行动"),
    "action_count": ("N", "N"),
    "linked_count": ("Linked to a registration", "关联到备案"),
    "share_pct": ("Share of active registrations (%)", "占有效备案比例（%）"),
    "sector_share_pct": ("Share of the period's filings (%)", "占期内备案比例（%）"),
    "previous_filing_count": ("Filings, previous period", "上期备案（件）"),
    "provider_count": ("Providers (count)", "主体（个）"),
    "coverage_pct": ("Coverage (%)", "覆盖率（%）"),
    "service_coverage_pct": ("Service-level coverage", "服务层面覆盖率"),
    "penalty_amount": ("Penalty amount", "罚款金额"),
    "penalty_cny": ("Penalties", "罚款"),
    "penalties": ("Penalties, per currency", "罚款（按币种）"),
    "penalty_count": ("Actions with a penalty", "有罚款的行动"),
    "dataset_count": ("Datasets (count)", "数据集（个）"),
    "known_dataset_count": ("N", "N"),
    "unknown_dataset_count": ("unknown", "未知"),
    "pi_dataset_count": ("Datasets with personal information", "含个人信息的数据集"),
    "gap_dataset_count": ("Datasets with a gap", "有缺口的数据集"),
    "personal_records_count": ("Personal-information records", "个人信息记录"),
    "service_count": ("Services (count)", "服务（个）"),
    "row_count": ("Rows (count)", "行数"),
    "rows_read_count": ("read", "已读取"),
    "rows_loaded_count": ("loaded", "已加载"),
    "rows_quarantined_count": ("quarantined", "已隔离"),
    "personal_records": ("Personal-information records", "个人信息记录"),
    "consented_records": ("Records with a legal basis", "有合法依据的记录"),
    # Who and where
    "registration_id": ("Registration number", "备案编号"),
    "service_name": ("Service", "服务名称"),
    "latest_service_name": ("Service (latest name)", "服务名称（最新）"),
    "provider_name": ("Provider", "主体"),
    "provider_id": ("Provider id", "主体标识"),
    "alias": ("Name", "名称"),
    "alias_kind": ("Kind of name", "名称类型"),
    "provider_role": ("Provider role", "主体角色"),
    "role_label": ("Provider role", "主体角色"),
    "jurisdiction_code": ("Jurisdiction", "属地"),
    "jurisdiction_label": ("Jurisdiction", "属地"),
    "jurisdiction_name": ("Jurisdiction", "属地"),
    "country": ("Country", "国家"),
    "registry": ("List", "清单"),
    "registries": ("Lists", "清单"),
    "registry_label": ("List", "清单"),
    "series": ("List", "清单"),
    "kind": ("Kind", "类型"),
    "category": ("Category", "类别"),
    "category_label": ("Category", "类别"),
    "status": ("Status", "状态"),
    "status_label": ("Status", "状态"),
    "sector": ("Sector", "行业"),
    "sectors": ("Sectors", "行业"),
    "sector_label": ("Sector", "行业"),
    "ownership_type": ("Ownership", "主体性质"),
    "ownership_label": ("Ownership", "主体性质"),
    "ownership_basis": ("How the ownership was decided", "主体性质判定依据"),
    "sasac_group": ("SASAC central enterprise group", "所属中央企业集团"),
    "batch": ("Batch", "批次"),
    "remarks": ("Remarks", "备注"),
    "cancellation_notice": ("Cancellation notice", "注销公告"),
    "cancelled_date_basis": ("Cancellation date inferred from", "注销日期推定依据"),
    "filed_date_note": ("Date note", "日期备注"),
    # Official totals
    "as_of_date": ("As of", "截至"),
    "first_published_date": ("First published", "首次公布日期"),
    "registered_count": ("Registrations (lists)", "登记（清单）"),
    "official_filed_count": ("Filings (official)", "备案（官方）"),
    "official_registered_count": ("Registrations (official)", "登记（官方）"),
    "filed_difference": ("Filings: lists − official", "备案：清单 − 官方"),
    "registered_difference": ("Registrations: lists − official", "登记：清单 − 官方"),
    "batch_count": ("Batches counted", "计入批次数"),
    "last_batch": ("Last batch counted", "最后计入批次"),
    "source_url": ("Source", "出处"),
    "note": ("Note", "说明"),
    # Incidents
    "incident_id": ("Incident", "事件编号"),
    "record_type": ("Record type", "记录类型"),
    "title": ("Title", "标题"),
    "severity": ("Severity", "严重程度"),
    "issuing_body": ("Issuing body", "发布机关"),
    "enforcement_action": ("Action", "处理措施"),
    "penalty_currency": ("Currency", "币种"),
    "link_status": ("Linkage", "关联情况"),
    "linkage_label": ("Linkage", "关联情况"),
    "link_method": ("Linked by", "关联方式"),
    "is_filed_before_incident": ("Filed before the incident", "事件前已备案"),
    "url": ("Link", "链接"),
    "group_label": ("Group", "分组"),
    # Consent
    "dataset_name": ("Dataset", "数据集"),
    "has_personal_info": ("Personal information", "含个人信息"),
    "has_sensitive_info": ("Sensitive information", "含敏感信息"),
    "legal_basis": ("Legal basis", "合法依据"),
    "coverage_status": ("Coverage", "覆盖情况"),
    "service_status": ("Consent status", "同意状态"),
    # Changes
    "change_type": ("Change", "变更类型"),
    "old_value": ("Before", "变更前"),
    "new_value": ("After", "变更后"),
    # Sources, runs and quarantine
    "source": ("Source", "数据源"),
    "entity": ("Entity", "实体"),
    "adapter": ("Adapter", "适配器"),
    "location": ("Location", "位置"),
    "attribution": ("Attribution", "署名"),
    "load_id": ("Load", "加载批次"),
    "data_load_id": ("Load of the data", "数据所属批次"),
    "latest_status": ("Latest run", "最近运行"),
    "latest_message": ("Message", "消息"),
    "message": ("Message", "消息"),
    "source_file": ("File", "文件"),
    "source_line": ("Line", "行号"),
    "columns": ("Columns", "列"),
    "rules": ("Rules", "规则"),
    "rule": ("Rule", "规则"),
    "reason": ("Reason", "原因"),
    "raw_record": ("Raw record", "原始记录"),
    "row_kind": ("Rows", "行"),
}


# Column -> (DuckDB type, meaning in English, meaning in Chinese). The type is the column's type
# where the warehouse or a briefing file fixes it; "" where it depends on the query.
MEANINGS: dict[str, tuple[str, str, str]] = {
    # Registrations
    "registration_id": ("varchar", "Filing or registration number, as published", "备案号或登记编号，按公布原文"),
    "registry": ("varchar", "Which list the record is on (from the source declaration)", "记录所在清单（来自数据源声明）"),
    "registries": ("varchar", "Every list the number appears on, joined with '; '", "该编号出现的全部清单，以“; ”分隔"),
    "kind": ("varchar", "filing, registration, licence or on_device (on-device service)", "备案、登记、许可或端侧服务"),
    "service_name": ("varchar", "Service, model or algorithm name, as published", "服务、模型或算法名称，按公布原文"),
    "latest_service_name": ("varchar", "The service name in the latest list that carries the number", "最新清单中该编号的服务名称"),
    "provider_name": ("varchar", "Provider (filing entity) name, as published", "主体（备案单位）名称，按公布原文"),
    "provider_role": ("varchar", "Provider role, e.g. 服务提供者 / 服务技术支持者", "主体角色，如服务提供者、服务技术支持者"),
    "jurisdiction_code": ("varchar", "Jurisdiction: province code (CN-BJ …), CN-SOE for central SOEs, or country", "属地：省级代码（CN-BJ 等），央企为 CN-SOE，或国家"),
    "jurisdiction_name": ("varchar", "Jurisdiction name in Chinese", "属地中文名称"),
    "jurisdiction_name_en": ("varchar", "Jurisdiction name in English", "属地英文名称"),
    "category": ("varchar", "Category: algorithm or service category, or incident category", "类别：算法或服务类别，或事件类别"),
    "products": ("varchar[]", "Products the service appears in", "服务所在的应用产品"),
    "purpose": ("varchar", "Main purpose", "主要用途"),
    "filed_date": ("date", "Date filed or registered (the batch month's first day when the list gives no date)", "备案或登记日期（清单无日期时为批次月份首日）"),
    "filed_date_note": ("varchar", "Note written after the date, e.g. 补登, or how the date was derived", "日期后的备注，如“补登”，或日期的推定方式"),
    "batch": ("varchar", "Publication batch: the month in the official title, e.g. 2025-12", "公布批次：官方标题中的月份，如 2025-12"),
    "status": ("varchar", "Status: active / cancelled (registrations); open / closed … (incidents)", "状态：有效/已注销（备案）；进行中/已结束等（事件）"),
    "cancelled_date": ("date", "When the number was cancelled", "编号注销日期"),
    "cancelled_date_basis": ("varchar", "Empty when cancelled_date is published; else where it was inferred from: 'batch 2024-08' (the first batch listing the number cancelled) or 'load <id>' (the first load that saw it cancelled)", "注销日期为公布日期时为空；否则说明推定来源：“batch 2024-08”（首次列为已注销的批次）或“load <编号>”（首次发现已注销的加载批次）"),
    "cancellation_notice": ("varchar", "The cancellation notice that names the number", "载明该编号的注销公告"),
    "remarks": ("varchar", "备注 text: renames, cancellations", "备注原文：更名、注销等"),
    "notice": ("varchar", "Notice title or reference", "公告标题或文号"),
    "delisted_load_id": ("varchar", "The load in which the number was no longer listed", "该编号不再出现的加载批次"),
    "delisted_at": ("timestamp with time zone", "When that load ran (UTC)", "该加载批次运行时间（UTC）"),
    # Incidents and enforcement
    "incident_id": ("varchar", "Source-prefixed id, e.g. aiid:23", "带来源前缀的编号，如 aiid:23"),
    "record_type": ("varchar", "incident or enforcement", "事件或执法"),
    "occurred_date": ("date", "When it happened (first day of the month or year when imprecise)", "发生日期（不精确时为该月或该年首日）"),
    "occurred_precision": ("varchar", "Precision of occurred_date: day / month / year / range / open", "发生日期的精度：日/月/年/区间/开放"),
    "reported_date": ("date", "When it was reported or the action issued", "报道日期或处理决定日期"),
    "event_date": ("date", "The date used for periods: occurred_date, else reported_date", "用于时间段统计的日期：发生日期，否则报道日期"),
    "title": ("varchar", "Short title", "标题"),
    "description": ("varchar", "Longer text", "详细描述"),
    "country": ("varchar", "ISO 3166-1 alpha-2 country code", "ISO 3166-1 两位国家代码"),
    "countries": ("varchar[]", "Every country the source names (ISO alpha-2), when several", "来源列出的全部国家（ISO 两位代码）"),
    "provider_names": ("varchar[]", "Provider, developer or deployer names, joined with '; '", "提供者、开发者或部署者名称，以“; ”分隔"),
    "severity": ("varchar", "low / medium / high / critical / unknown", "严重程度：低/中/高/严重/未知"),
    "issuing_body": ("varchar", "Regulator that acted (enforcement)", "作出处理的监管机关（执法）"),
    "violation_types": ("varchar[]", "Violation types as the source words them (enforcement)", "违规类型，按来源原文（执法）"),
    "enforcement_action": ("varchar", "What was done: fine, takedown, notice …", "处理措施：罚款、下架、通报等"),
    "penalty_amount": ("double", "Penalty amount in penalty_currency, ≥ 0", "罚款金额（以 penalty_currency 计），≥ 0"),
    "penalty_currency": ("varchar", "ISO 4217 currency code of the penalty", "罚款币种（ISO 4217 代码）"),
    "url": ("varchar", "Link to the report or notice", "报道或公告链接"),
    "source": ("varchar", "Source name from the sources config", "数据源名称（来自数据源配置）"),
    "link_status": ("varchar", "Whether the record names a provider that holds a registration", "记录涉及的主体是否持有备案"),
    "link_method": ("varchar", "How the registration was linked: by number, alias or name", "关联备案的方式：编号、别名或名称"),
    "linked_registration_id": ("varchar", "The registration the record is linked to", "关联的备案编号"),
    "registration_filed_date": ("date", "Filing date of the linked registration", "关联备案的备案日期"),
    "registered_provider_name": ("varchar", "Provider of the linked registration", "关联备案的主体"),
    "registered_service_name": ("varchar", "Service of the linked registration", "关联备案的服务名称"),
    "is_filed_before_incident": ("boolean", "Whether the linked registration was filed before the event date", "关联备案是否早于事件日期"),
    "provider_key": ("ubigint", "64-bit hash of the one provider name the record gives (empty for none or several); its name is in mart_incident_name_keys", "记录所载唯一提供者名称的 64 位哈希（无或多个名称时为空）；名称见 mart_incident_name_keys"),
    "is_month_precise": ("boolean", "The event date is known at least to the month (a date given only as a year, a range or open-ended is not): the records monthly charts draw", "事件日期至少精确到月（仅有年份、区间或开放式日期的不是）：月度图表所绘记录"),
    # Consent
    "dataset_name": ("varchar", "Training dataset", "训练数据集"),
    "has_personal_info": ("varchar", "Whether the dataset holds personal information: yes / no / unknown", "数据集是否含个人信息：是/否/未知"),
    "personal_records": ("bigint", "Records or subjects with personal information", "含个人信息的记录或主体数"),
    "consented_records": ("bigint", "Of those, covered by consent or another legal basis", "其中有同意或其他合法依据的数量"),
    "has_sensitive_info": ("", "Whether the dataset holds sensitive personal information", "数据集是否含敏感个人信息"),
    "legal_basis": ("varchar", "consent / separate_consent / contract / … / unknown", "合法依据：同意、单独同意、合同等，或未知"),
    "audit_date": ("date", "When the declaration was audited", "声明的审计日期"),
    "audit_quarter_date": ("date", "First day of the audit's quarter", "审计所在季度的首日"),
    "coverage_status": ("varchar", "Dataset coverage: covered / partial / none / unknown / no personal information", "数据集覆盖情况：已覆盖/部分/未覆盖/未知/不含个人信息"),
    "coverage_pct": ("double", "Share of personal-information records covered (0.25 = 25 %)", "个人信息记录的覆盖比例（0.25 即 25%）"),
    "service_status": ("varchar", "Service consent status: covered, gap or unknown", "服务同意状态：已覆盖、缺口或未知"),
    "service_coverage_pct": ("double", "Share of services with known status covered for every dataset", "状态已知的服务中全部数据集均有依据的比例"),
    "personal_records_count": ("bigint", "Personal-information records of the service's datasets", "该服务数据集中的个人信息记录数"),
    "pi_dataset_count": ("bigint", "Datasets with personal information", "含个人信息的数据集数"),
    "gap_dataset_count": ("bigint", "Datasets below full coverage", "未完全覆盖的数据集数"),
    "unknown_dataset_count": ("bigint", "Datasets whose coverage is unknown", "覆盖情况未知的数据集数"),
    "known_dataset_count": ("bigint", "Datasets with known counts (N)", "数量已知的数据集数（N）"),
    "dataset_count": ("bigint", "Datasets (count)", "数据集数"),
    "last_audit_date": ("date", "Latest audit date of the service's declarations", "该服务声明的最近审计日期"),
    # Providers
    "provider_id": ("varchar", "Canonical provider id, a lowercase slug: baidu", "主体标准标识，小写：baidu"),
    "alias": ("varchar", "A name or spelling of the provider", "主体的一个名称或写法"),
    "alias_kind": ("varchar", "Kind of name: legal name, alias, slug …", "名称类型：法定名称、别名、标识等"),
    "name_en": ("varchar", "English name", "英文名称"),
    "name_zh": ("varchar", "Chinese name", "中文名称"),
    "legal_names": ("varchar[]", "Legal entities as filed", "备案所用法定主体名称"),
    "aliases": ("varchar[]", "Other names and spellings, any language", "其他名称和写法（任何语言）"),
    "slugs": ("varchar[]", "Entity slugs used by incident databases", "事件数据库使用的主体标识"),
    "code": ("varchar", "Jurisdiction code", "属地代码"),
    # Marts: history, matching and linkage (written for the research export's columns.csv)
    "listing_count": ("bigint", "Rows across the lists that carry the number", "清单中载有该编号的行数"),
    "first_seen_load_id": ("varchar", "The load that first listed the number", "首次列出该编号的加载批次"),
    "first_seen_at": ("timestamp with time zone", "When that load ran (UTC)", "该加载批次运行时间（UTC）"),
    "last_seen_load_id": ("varchar", "The latest load that listed the number", "最近列出该编号的加载批次"),
    "last_seen_at": ("timestamp with time zone", "When that load ran (UTC)", "该加载批次运行时间（UTC）"),
    "status_changed_load_id": ("varchar", "The load in which the status last changed", "状态最近变化的加载批次"),
    "status_changed_at": ("timestamp with time zone", "When that load ran (UTC)", "该加载批次运行时间（UTC）"),
    "previous_status": ("varchar", "The status in the previous build", "上一次构建中的状态"),
    "is_registered": ("boolean", "Whether the declaration's service is on a list", "声明所涉服务是否在清单中"),
    "name_position": ("bigint", "Position of the name among the record's provider names (1 = first)", "该名称在记录主体名称中的位置（1 为第一个）"),
    "name_key": ("varchar", "The name normalised for matching (half-width, no company form)", "用于匹配的规范化名称（半角、去除公司形式）"),
    "match_method": ("varchar", "How the name matched a provider: exact_id, alias or normalised_name", "名称匹配主体的方式：标识、别名或规范化名称"),
    "match_status": ("varchar", "Whether the name matched one provider, several (ambiguous) or none", "名称匹配结果：唯一、多个（歧义）或无"),
    "candidate_provider_ids": ("varchar[]", "Providers the name could match", "该名称可能匹配的主体"),
    "link_key": ("varchar", "Key the name links to registrations by (provider id or name key)", "名称关联备案所用的键（主体标识或规范化名称）"),
    "has_registrations": ("boolean", "Whether a registration shares the link key", "是否有备案使用相同关联键"),
    "provider_ids": ("varchar[]", "Providers matched to the record's names", "记录主体名称匹配到的主体"),
    "provider_match_method": ("varchar", "How the linked provider was matched", "关联主体的匹配方式"),
    "service_match": ("varchar", "How the record's service matched the registration's: exact, partial or none", "记录服务与备案服务的匹配程度：完全、部分或无"),
    "candidate_registration_count": ("bigint", "Registrations the record could be linked to", "记录可能关联的备案数"),
    "alias_exact": ("varchar", "The alias in lowercase, cleaned, for exact matching", "用于精确匹配的别名（小写、清理后）"),
    "alias_key": ("varchar", "The alias normalised for matching", "用于匹配的规范化别名"),
    "is_ambiguous_key": ("boolean", "Whether two providers share the alias key (then it is not used)", "别名键是否被两个主体共用（共用时不使用）"),
    "sources": ("varchar[]", "Sources that name it", "提及该名称的数据源"),
    "example_incident_id": ("varchar", "One incident that names it", "提及该名称的一条事件"),
    "active_registration_count": ("bigint", "Active registrations matched to the provider (count)", "匹配到该主体的有效备案数（件）"),
    "first_filed_date": ("date", "Date of the provider's first filing", "该主体首次备案日期"),
    "registered_names": ("varchar[]", "Provider names its registrations are filed under", "其备案所用主体名称"),
    "gb_prefix": ("varchar", "GB/T 2260 administrative-division prefix of the province", "省份的 GB/T 2260 行政区划代码前缀"),
    # Sectors and ownership
    "sector": ("varchar", "Sector key tagged by the rules (data/sector_rules.csv), or unclassified", "规则（data/sector_rules.csv）标注的行业键名，或 unclassified（未分类）"),
    "sectors": ("varchar", "The registration's sectors, joined with '; '", "该备案的行业，以“; ”分隔"),
    "sector_label": ("varchar", "Sector, as shown", "行业（显示用）"),
    "sector_share_pct": ("double", "Share of the period's filings tagged with the sector (%)", "期内备案中标注该行业的比例（%）"),
    "previous_filing_count": ("bigint", "Filings in the previous period of equal length (count)", "等长上一期的备案数（件）"),
    "provider_count": ("bigint", "Providers (count)", "主体数（个）"),
    "priority": ("bigint", "Priority of the rules that decided the sector (only the highest firing counts)", "决定行业的规则优先级（仅最高优先级生效）"),
    "field": ("varchar", "Registration field a sector rule reads", "行业规则读取的备案字段"),
    "pattern": ("varchar", "Text a sector rule looks for (any case)", "行业规则查找的文本（不区分大小写）"),
    "ownership_type": ("varchar", "Provider ownership: central_soe, university, research_institute or other_enterprise", "主体性质：中央企业、高校、科研院所或其他企业"),
    "ownership_label": ("varchar", "Ownership, as shown", "主体性质（显示用）"),
    "ownership_basis": ("varchar", "How the ownership type was decided (国资委, SASAC list match, name word, none)", "主体性质的判定依据（国资委、央企名录匹配、名称用词或均不符）"),
    "sasac_group": ("varchar", "The SASAC central enterprise group the provider's name matched", "主体名称匹配的国资委中央企业集团"),
    "registration_count": ("bigint", "Registrations (count)", "备案数（件）"),
    "group_name": ("varchar", "Group name as SASAC lists it", "国资委名录中的集团名称"),
    "other_names": ("varchar[]", "Alternative and short names, subsidiaries' names", "别称、简称及子公司名称"),
    "as_of": ("date", "Date of the published list", "名录发布日期"),
    # Time and counts
    "month_date": ("date", "First day of the month", "月份首日"),
    "month_end_date": ("date", "Last day of the month", "月末日期"),
    "first_event_date": ("date", "Date of the first record", "首次记录日期"),
    "last_event_date": ("date", "Date of the latest record", "最近记录日期"),
    "filing_count": ("bigint", "Filings and registrations (count)", "备案与登记数（件）"),
    "filed_count": ("bigint", "Filings and registrations (count); in the reconciliation with official totals, unique filings (备案) in the batches published up to the date", "备案与登记数（件）；与官方总数对照时为截至该日已公布批次中去重后的备案数"),
    "new_count": ("bigint", "Filed in the period (count)", "期内新增备案数（件）"),
    "cancelled_count": ("bigint", "Cancelled in the period (count)", "期内注销数（件）"),
    "active_count": ("bigint", "Active registrations at the date (filed, not yet cancelled; count)", "该日有效备案数（已备案且未注销，件）"),
    "record_count": ("bigint", "Records (count)", "记录数（件）"),
    "type_count": ("bigint", "Records of the type (count)", "该类型记录数（件）"),
    "incident_count": ("bigint", "Incidents (count)", "事件数（件）"),
    "enforcement_count": ("bigint", "Enforcement actions (count)", "执法行动数（件）"),
    "action_count": ("bigint", "Enforcement actions behind the amount (N)", "金额对应的执法行动数（N）"),
    "linked_count": ("bigint", "Records linked to a registration (count)", "关联到备案的记录数（件）"),
    "share_pct": ("double", "Share of all active registrations (%)", "占全部有效备案比例（%）"),
    "penalty_cny": ("double", "Penalties in CNY (sum)", "人民币罚款合计"),
    "penalties": (
        "varchar",
        "Penalties summed per currency present, e.g. CNY 50000; EUR 1200 (empty: none)",
        "按币种合计的罚款，如 CNY 50000; EUR 1200（空：无）",
    ),
    "penalty_count": ("bigint", "Records with a penalty amount (count)", "有罚款金额的记录数（件）"),
    "service_count": ("bigint", "Services (count)", "服务数（个）"),
    "row_count": ("bigint", "Rows (count)", "行数"),
    # Changes between loads
    "change_type": ("varchar", "What changed: new, delisted, renamed, status …", "变化类型：新增、下架、更名、状态等"),
    "old_value": ("varchar", "Value before the change", "变更前的值"),
    "new_value": ("varchar", "Value after the change", "变更后的值"),
    "previous_load_id": ("varchar", "The load compared with", "用于比较的上一加载批次"),
    # Runs, sources, quarantine and the build
    "entity": ("varchar", "Canonical entity the source feeds", "数据源对应的标准实体"),
    "adapter": ("varchar", "Adapter that reads the source", "读取数据源的适配器"),
    "location": ("varchar", "Where the source's files are", "数据源文件位置"),
    "attribution": ("varchar", "Licence or attribution text of the source", "数据源的许可或署名文本"),
    "load_id": ("varchar", "The run that loaded the row", "加载该行的运行批次"),
    "data_load_id": ("varchar", "The load the source's current data comes from", "数据源当前数据所属的加载批次"),
    "source_file": ("varchar", "File the row came from", "该行来源文件"),
    "source_line": ("bigint", "Line (CSV), row (XLSX) or record index (JSON) in the file", "文件中的行号（CSV）、行（XLSX）或记录序号（JSON）"),
    "started_at": ("timestamp with time zone", "When the run started (UTC)", "运行开始时间（UTC）"),
    "finished_at": ("timestamp with time zone", "When the run finished (UTC)", "运行结束时间（UTC）"),
    "duration_seconds": ("double", "Run duration in seconds", "运行耗时（秒）"),
    "rows_read": ("bigint", "Rows read from the source", "读取的行数"),
    "rows_loaded": ("bigint", "Rows loaded", "加载的行数"),
    "rows_quarantined": ("bigint", "Rows kept out by a rule", "因规则被隔离的行数"),
    "rows_read_count": ("bigint", "Rows read from the source", "读取的行数"),
    "rows_loaded_count": ("bigint", "Rows loaded", "加载的行数"),
    "rows_quarantined_count": ("bigint", "Rows kept out by a rule", "因规则被隔离的行数"),
    "headers": ("varchar", "The header the run read", "本次运行读取的表头"),
    "message": ("varchar", "Run message", "运行消息"),
    "latest_status": ("varchar", "Status of the source's latest run", "数据源最近一次运行状态"),
    "latest_message": ("varchar", "Message of the source's latest run", "数据源最近一次运行消息"),
    "latest_run_at": ("timestamp with time zone", "When the source last ran (UTC)", "数据源最近运行时间（UTC）"),
    "data_as_of_at": ("timestamp with time zone", "When the source's current data was loaded (UTC)", "数据源当前数据的加载时间（UTC）"),
    "columns": ("varchar", "Columns a rule found wrong", "规则发现有误的列"),
    "raw_record": ("varchar", "The record as read", "读取到的原始记录"),
    "rules": ("varchar", "Rules the row failed", "该行未通过的规则"),
    "rule": ("varchar", "A validation rule", "校验规则"),
    "reason": ("varchar", "Why the row was kept out", "该行被隔离的原因"),
    "row_kind": ("varchar", "Which rows are counted", "统计的行类别"),
    "built_at": ("timestamp with time zone", "When the warehouse was built (UTC)", "数据仓库构建时间（UTC）"),
    "etl_version": ("varchar", "Version of the ETL that built it", "构建所用 ETL 版本"),
    "is_sample": ("boolean", "Whether the warehouse holds the built-in sample data", "数据仓库是否为内置示例数据"),
    # Display columns pages derive
    "role_label": ("varchar", "Provider role, as shown", "主体角色（显示用）"),
    "jurisdiction_label": ("varchar", "Jurisdiction, as shown", "属地（显示用）"),
    "registry_label": ("varchar", "List, as shown", "清单（显示用）"),
    "series": ("varchar", "List and kind of the series", "序列对应的清单与类型"),
    "category_label": ("varchar", "Category, as shown", "类别（显示用）"),
    "status_label": ("varchar", "Status, as shown", "状态（显示用）"),
    "linkage_label": ("varchar", "Linkage, as shown", "关联情况（显示用）"),
    "group_label": ("varchar", "Group of the row", "该行所属分组"),
    # Briefing summary and manifest
    "kpi": ("varchar", "Key of the figure", "指标键名"),
    "label_en": ("varchar", "Name of the figure in English", "指标英文名称"),
    "label_zh": ("varchar", "Name of the figure in Chinese", "指标中文名称"),
    "value_column": ("varchar", "Column the figure's value is named by in other files", "该指标在其他文件中的列名"),
    "value": ("", "The figure (or the manifest fact's value)", "指标数值（或清单事项的值）"),
    "previous_value": ("double", "The figure for the previous period of equal length", "等长上一期的数值"),
    "change": ("double", "value − previous_value", "数值 − 上期数值"),
    "change_pct": ("double", "Change as a share of previous_value (0.25 = 25 %)", "变化占上期数值的比例（0.25 即 25%）"),
    "n": ("bigint", "Records behind the figure, where it is a sum or share", "指标所依据的记录数（合计或比例类指标）"),
    "section": ("varchar", "Kind of fact: period, filter, data, rows, attribution, generated …", "事项类别：时间段、筛选、数据、行数、署名、生成信息等"),
    "name": ("varchar", "Name of the fact (a file, a filter, a source …)", "事项名称（文件、筛选、数据源等）"),
    # Official totals and the reconciliation against them
    "date": ("date", "The date the official totals are as of", "官方总数的截至日期"),
    "list": ("varchar", "The list the official totals count, as a registry: cac_genai", "官方总数所统计的清单（registry）：cac_genai"),
    "filed": ("bigint", "Cumulative filings (备案) announced; empty when none was announced", "公布的累计备案数；未公布时为空"),
    "registered": ("bigint", "Cumulative registrations (登记) announced; empty when none was", "公布的累计登记数；未公布时为空"),
    "source_url": ("varchar", "Where the figures were published", "数字的公布出处"),
    "note": ("varchar", "Who reported the figures, and what to know about them", "数字的报道来源及说明"),
    "as_of_date": ("date", "The official date the row compares at", "对照所依据的官方日期"),
    "published_date": ("date", "Publication date of the notice that published the batch, when known (a fetched notice's date); empty otherwise", "公布该批次的通知的发布日期（已知时，如抓取到的通知日期）；否则为空"),
    "first_published_date": ("date", "The day the number was first published: the earliest notice date of its listings, when known (a fetched notice's date; empty for a plain file). The batch stays the title's month", "该编号首次公布的日期：其所在清单中最早的通知日期（已知时，如抓取到的通知日期；普通文件为空）。批次仍为标题中的月份"),
    "registered_count": ("bigint", "Unique registrations (登记) in the batches published up to the date", "截至该日已公布批次中去重后的登记数"),
    "official_filed_count": ("bigint", "Cumulative filings the regulator announced for the date", "监管机构公布的截至该日累计备案数"),
    "official_registered_count": ("bigint", "Cumulative registrations the regulator announced for the date", "监管机构公布的截至该日累计登记数"),
    "filed_difference": ("bigint", "filed_count − official_filed_count", "清单备案数 − 官方备案数"),
    "registered_difference": ("bigint", "registered_count − official_registered_count", "清单登记数 − 官方登记数"),
    "batch_count": ("bigint", "Batches counted: those with no entry dated after the date", "计入的批次数：没有晚于该日条目的批次"),
    "last_batch": ("varchar", "The latest batch counted", "计入的最后一个批次"),
    # The dictionary itself
    "file": ("varchar", "File the column is in", "列所在文件"),
    "column": ("varchar", "Column name, as in the file's header", "列名，与文件表头一致"),
    "type": ("varchar", "DuckDB type of the column, where known", "列的 DuckDB 类型（已知时）"),
    "meaning_en": ("varchar", "What the column means, in English", "列含义（英文）"),
    "meaning_zh": ("varchar", "What the column means, in Chinese", "列含义（中文）"),
}  # fmt: skip

# Where a column means something else in one table: (table or entity, column) -> (type, en, zh).
TABLE_MEANINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("incidents", "status"): ("varchar", "Case status as the source gives it: open / closed / …", "案件状态，按来源原文：进行中/已结束等"),
    ("incidents", "category"): ("varchar", "Incident category: deepfake, privacy, misinformation …", "事件类别：深度伪造、隐私、虚假信息等"),
    ("incidents", "registration_id"): ("varchar", "Linked registration, when the source names it", "来源载明的关联备案编号"),
    ("incidents", "jurisdiction_code"): ("varchar", "Province code when known (CN-BJ …), else empty", "已知时为省级代码（CN-BJ 等）"),
    ("cancellations", "cancelled_date"): ("date", "Date (or first day of the month) of the notice", "注销公告日期（或当月首日）"),
    ("consent", "registration_id"): ("varchar", "The registered service the declaration is about", "声明所涉已备案服务"),
    ("mart_registration_sectors", "rule"): ("varchar", "The rule reported for the sector: field: pattern", "该行业报告的规则：字段: 文本"),
    ("mart_registration_sectors", "rules"): ("varchar[]", "Every rule that fired for the sector, sorted", "该行业触发的全部规则（已排序）"),
    ("central_enterprises", "source_url"): ("varchar", "Where the list was published", "名录发布网址"),
    ("sector_rules", "note"): ("varchar", "Why the rule is there", "规则说明"),
    ("summary.csv", "as_of_date"): ("date", "For the rows comparing the lists with the official totals: the official date (each one in the period, else the latest before its end); empty for the KPIs", "与官方总数对照的行：官方日期（期内各日期；期内没有时为期末前最近一次）；指标行为空"),
    ("summary.csv", "registry"): ("varchar", "For the rows comparing the lists with the official totals: the list compared; empty for the KPIs", "与官方总数对照的行：所对照的清单；指标行为空"),
    ("mart_incident_days", "penalty_amount"): ("double", "Sum of the penalty amounts of the group's records, in its penalty_currency", "该组记录罚款金额之和（以 penalty_currency 计）"),
    ("mart_incident_name_keys", "name_key"): ("ubigint", "64-bit hash of the provider name (mart_incidents.provider_key)", "提供者名称的 64 位哈希（即 mart_incidents.provider_key）"),
    ("provider_aliases", "country"): ("varchar", "ISO 3166-1 alpha-2 country of the headquarters", "总部所在国家（ISO 两位代码）"),
}  # fmt: skip
_TABLE_ENTITY = {e.stg_table: e.name for e in ENTITIES.values()} | {
    "mart_incidents": "incidents",
    "incidents.csv": "incidents",
    "mart_consent": "consent",
}


class UndocumentedColumn(KeyError):
    """A column the dictionary does not describe: add it to core/dictionary.py MEANINGS."""


@dataclass(frozen=True)
class Entry:
    column: str
    type: str
    meaning_en: str
    meaning_zh: str
    label_en: str
    label_zh: str


def describe(column: str, table: str | None = None) -> Entry:
    """What `column` means (in `table`, a warehouse table, an entity or a file name, when its
    meaning there differs). Raises UndocumentedColumn for a column the dictionary lacks."""
    entity = _TABLE_ENTITY.get(table or "", table)
    found = TABLE_MEANINGS.get((entity or "", column)) or MEANINGS.get(column)
    if found is None:
        raise UndocumentedColumn(
            f"column {column!r}{f' (in {table})' if table else ''} is not in the data dictionary; "
            "describe it in core/dictionary.py MEANINGS"
        )
    kind, en, zh = found
    label_en, label_zh = LABELS.get(column, (column.replace("_", " "), column.replace("_", " ")))
    return Entry(column, kind, en, zh, label_en, label_zh)


def columns_rows(files: Mapping[str, Sequence[tuple[str, str]]]) -> list[dict[str, str]]:
    """The rows of a columns.csv: for each file (name -> its columns as (column, type) pairs, in
    file order), one row per column with keys COLUMNS_CSV_FIELDS. A pair's type, when given,
    is the type the file holds; an empty one takes the dictionary's. The table for a column's
    meaning is the file name. Raises UndocumentedColumn for a column the dictionary lacks."""
    rows = []
    for file, columns in files.items():
        for column, kind in columns:
            entry = describe(column, file)
            rows.append(
                {
                    "file": file,
                    "column": column,
                    "type": kind or entry.type,
                    "meaning_en": entry.meaning_en,
                    "meaning_zh": entry.meaning_zh,
                }
            )
    return rows


# README ---------------------------------------------------------------------------------------
# The README's tables of the canonical input formats are rendered from core.schema.ENTITIES
# (Column.type, Column.required and Column.doc, which is written for someone preparing a file).
# Staged as required but filled by a default when a file leaves them out: not bold in the README.
DEFAULTED = {("registrations", "registry"), ("registrations", "status")}
README_TYPES = {"varchar": "text", "date": "date", "varchar[]": "list", "double": "number", "bigint": "whole number"}


def readme_table(entity: str) -> str:
    """The markdown table of an entity's input columns, as the README shows it (bold = required)."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for c in ENTITIES[entity].columns:
        name = f"**{c.name}**" if c.required and (entity, c.name) not in DEFAULTED else c.name
        lines.append(f"| {name} | {README_TYPES.get(c.type, c.type)} | {c.doc} |")
    return "\n".join(lines)
