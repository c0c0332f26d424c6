"""Every label, title, axis name and message in English and Chinese, in one place.

Names that come from sources (providers, services, titles) are never translated: they are shown
as published. Vocabulary values (lists, kinds, severities …) have labels here under
"<vocabulary>.<value>"; an unknown value falls back to the value itself.
"""

from __future__ import annotations

from collections.abc import Callable

from core.dictionary import LABELS

LANGS = {"en": "English", "zh": "中文"}

TEXT: dict[str, tuple[str, str]] = {
    # Frame
    "app_title": ("GenAI licensing dashboard", "生成式人工智能备案监测"),
    "language": ("Language", "语言"),
    "filters": ("Filters", "筛选"),
    "period": ("Period", "时间段"),
    "period_from": ("From", "起始"),
    "period_to": ("To", "截止"),
    "jurisdictions": ("Jurisdictions", "属地"),
    "jurisdictions_all": ("All jurisdictions", "全部属地"),
    "registries": ("Lists", "清单"),
    "registries_all": ("All lists", "全部清单"),
    "provider_search": ("Provider name contains", "主体名称包含"),
    "provider_search_help": (
        "Case-insensitive text match on the provider (filing entity) name",
        "按主体（备案单位）名称做文本匹配，不区分大小写",
    ),
    "sectors": ("Sectors", "行业"),
    "sectors_all": ("All sectors", "全部行业"),
    "sectors_help": (
        "Sectors tagged by the editable rules in data/sector_rules.csv (a registration can have several); "
        "applies to registrations and consent, not to incidents",
        "按可编辑规则（data/sector_rules.csv）标注的行业（一个备案可有多个行业）；适用于备案和同意数据，不适用于事件",
    ),
    "ownership": ("Ownership", "主体性质"),
    "ownership_all": ("All ownership types", "全部主体性质"),
    "ownership_help": (
        "The provider's ownership type: central SOE (国资委 or SASAC's list), university, research institute, "
        "other enterprise; applies to registrations and consent",
        "主体性质：中央企业（属地为国资委或列入国资委央企名录）、高校、科研院所、其他企业；适用于备案和同意数据",
    ),
    "reset_filters": ("Reset filters", "重置筛选"),
    "sample_banner": (
        "Built-in sample data: synthetic records for trying the dashboard, not real filings or incidents.",
        "内置示例数据：用于试用的合成记录，并非真实的备案或事件。",
    ),
    "data_as_of": ("Data as of {date}", "数据截至 {date}"),
    "data_as_of_source": ("{source}: {date}", "{source}：{date}"),
    "freshness": ("Freshness by source", "各数据源更新时间"),
    "never_loaded": ("never loaded", "尚未加载"),
    "load": ("load", "批次"),
    "url_notice": (
        "Some link parameters were not recognised and were ignored: {items}",
        "链接中有参数无法识别，已忽略：{items}",
    ),
    "warehouse_missing": (
        "No warehouse yet at {path}. Build it from the sources config, then reload this page:",
        "尚未找到数据仓库 {path}。请先根据数据源配置构建，然后刷新本页：",
    ),
    "warehouse_outdated": (
        "The warehouse at {path} was built by an older version of this app (it lacks {missing}). "
        "Rebuild it from the sources config, then reload this page:",
        "数据仓库 {path} 由旧版本构建（缺少 {missing}）。请根据数据源配置重新构建，然后刷新本页：",
    ),
    "attribution": ("Attribution — {source}: {text}", "署名 — {source}：{text}"),
    "download_csv": ("Download CSV", "下载 CSV"),
    "filters_active": ("Filters: {text}", "当前筛选：{text}"),
    "no_data": ("No data match these filters.", "没有符合筛选条件的数据。"),
    "small_n": (
        "Only {n} records behind this figure: treat it as indicative.",
        "该数值仅基于 {n} 条记录，仅供参考。",
    ),
    "click_to_filter": (
        "Click a bar or tile to filter the page by it; clear it in the sidebar.",
        "点击柱形或地块即可按其筛选本页；可在侧栏清除。",
    ),
    "all_time": ("All time", "全部时间"),
    "last_12m": ("Last 12 months", "最近 12 个月"),
    "custom_range": ("Custom range…", "自定义…"),
    "month": ("Month", "月份"),
    "quarter": ("Quarter", "季度"),
    "not_stated": ("(not stated)", "（未注明）"),
    "unknown": ("Unknown", "未知"),
    "page": ("Page", "页"),
    "page_of": ("Page {page} of {pages} · {total} rows", "第 {page}/{pages} 页 · 共 {total} 行"),
    "search": ("Search", "搜索"),
    "previous_period": ("vs previous {days} days", "较前 {days} 天"),
    "no_previous": ("no previous period for all time", "全部时间无可比上期"),
    "n_label": ("N = {n}", "N = {n}"),
    "open_page": ("Open {page} →", "打开{page} →"),
    # Pages
    "page_overview": ("Overview", "概览"),
    "page_licensing": ("Licensing trends", "备案趋势"),
    "page_violations": ("Violations and enforcement", "违规与执法"),
    "page_consent": ("Consent coverage", "同意覆盖率"),
    "page_explorer": ("Explorer", "数据浏览"),
    "page_quality": ("Data quality", "数据质量"),
    "page_briefing": ("Briefing", "简报"),
    "section_analysis": ("Analysis", "分析"),
    "section_records": ("Records and exports", "记录与导出"),
    # Overview
    "overview_intro": (
        "Headline numbers for the selected period, each compared with the previous period of equal length.",
        "所选时间段的主要指标，均与等长的上一时间段比较。",
    ),
    "kpi_active": ("Active registrations at period end", "期末有效备案数"),
    "kpi_new": ("New filings in period", "期内新增备案"),
    "kpi_cancelled": ("Cancellations in period", "期内注销"),
    "kpi_incidents": ("Incidents", "事件"),
    "kpi_enforcement": ("Enforcement actions", "执法行动"),
    "kpi_penalties": ("Total penalties (CNY)", "罚款总额（人民币）"),
    "kpi_consent": ("Consent coverage (record-weighted)", "同意覆盖率（按记录加权）"),
    "kpi_penalties_n": ("{n} actions with a CNY penalty", "{n} 项人民币罚款"),
    "imprecise_left_out": (
        "{n} records dated only to a year, a range or open-ended are left out of this monthly chart "
        "(never drawn as January); they are counted in the totals.",
        "{n} 条仅知年份、区间或起始年份的记录未计入本月度图（不会画作 1 月）；总数中已计入。",
    ),
    "open_records": ("The records behind this figure →", "查看该数字对应的记录 →"),
    "drilldown_active": (
        "Showing exactly the records behind “{what}”: the row count equals the figure.",
        "仅显示“{what}”所统计的记录：行数与该数字相同。",
    ),
    "drilldown_clear": ("Show all records", "显示全部记录"),
    "open_mark_records": ("Open the {n} records of “{what}” in the Explorer →", "在浏览页查看“{what}”的 {n} 条记录 →"),
    "mark_click_hint": (
        "Click a mark to get a link to exactly its records in the Explorer.",
        "点击图中任一标记，即可获得浏览页中该标记所统计记录的链接。",
    ),
    "drill_filed_month": ("filed in {month}", "{month} 提交"),
    "drill_active_on": ("active on {day}", "{day} 有效"),
    "drill_record_month": ("Records of the month (dated at least to the month)", "该月记录（日期至少精确到月）"),
    "drill_incident_month": ("Incidents of the month (dated at least to the month)", "该月事件（日期至少精确到月）"),
    "drill_enforcement_month": (
        "Enforcement actions of the month (dated at least to the month)",
        "该月执法行动（日期至少精确到月）",
    ),
    "penalties_total": ("Total penalties, per currency", "罚款总额（按币种）"),
    "kpi_penalties_in": ("Total penalties ({currency})", "罚款总额（{currency}）"),
    "kpi_penalties_in_n": ("{n} actions with a {currency} penalty", "{n} 项以 {currency} 计的罚款"),
    "kpi_consent_n": ("N = {n} datasets with known counts", "N = {n} 个已知数量的数据集"),
    "overview_trends": ("Trends", "趋势"),
    "trend_filings": ("New filings per month (count)", "每月新增备案（件）"),
    "trend_incidents": ("Incidents and enforcement actions per month (count)", "每月事件与执法行动（件）"),
    "trend_consent": ("Consent coverage by audit quarter (%)", "按审计季度的同意覆盖率（%）"),
    "overview_click": (
        "Click a month in the filings chart to focus the period on that month.",
        "点击新增备案图中的某个月份，可将时间段切换到该月。",
    ),
    "kpis_download": ("KPIs", "指标"),
    # Licensing
    "licensing_intro": (
        "Filings and registrations across the published lists, deduplicated on the filing number.",
        "各公开清单中的备案与登记，按备案编号去重。",
    ),
    "filings_by_month_title": (
        "New filings and registrations per month, by list and kind (count)",
        "每月新增备案与登记，按清单和类型（件）",
    ),
    "active_by_month_title": (
        "Active registrations at each month end (filed − cancelled, count)",
        "各月末有效备案数（备案 − 注销，件）",
    ),
    "jurisdiction_map_title": (
        "Active registrations at period end by province (count)",
        "期末各省有效备案数（件）",
    ),
    "jurisdiction_bar_title": (
        "Jurisdictions ranked by active registrations (count)",
        "各属地有效备案数排名（件）",
    ),
    "category_title": ("Filings in period by category (count)", "期内备案按类别（件）"),
    "role_title": ("Filings in period by provider role (count)", "期内备案按主体角色（件）"),
    "providers_title": (
        "Top providers by active registrations (share of all active, %)",
        "有效备案数最多的主体（占全部有效备案比例，%）",
    ),
    "top10_share": (
        "The top 10 of {providers} providers hold {share} of {total} active registrations.",
        "{providers} 个主体中，前 10 名持有 {total} 件有效备案中的 {share}。",
    ),
    "providers_active": ("Providers with active registrations", "有有效备案的主体"),
    "changes_title": ("Changes in the latest load", "最新一次加载的变化"),
    "changes_since": ("Since the previous load {load}.", "相对上一次加载 {load}。"),
    "changes_first_load": (
        "This is the first load: every number is new.",
        "这是首次加载：所有编号均为新增。",
    ),
    "change_filter": ("Change type", "变化类型"),
    "official_title": ("Against the official totals", "与官方公布总数对照"),
    "official_intro": (
        "For each date on which the regulator announced cumulative totals: the unique filings and "
        "registrations of the batches published up to that date (a batch counts when none of its entries "
        "is dated later), the official figure and the difference (lists − official). National figures: "
        "the jurisdiction and provider filters do not apply.",
        "对监管机构公布累计总数的每个日期：截至该日已公布批次中去重后的备案与登记数（批次中没有晚于该日的条目即计入）、"
        "官方数字及差额（清单 − 官方）。全国数字：属地和主体筛选不适用。",
    ),
    "official_explain": (
        "A difference can come from entries published late in a later batch (often marked 补登), numbers "
        "cancelled before the announcement, numbers listed twice or in the other part of a list, or the "
        "regulator counting on a different day than its list.",
        "差额可能来自在之后批次中补充公布的条目（常注明“补登”）、公告前已注销的编号、重复列出或列在清单另一部分的编号，"
        "或官方统计口径日期与清单不同。",
    ),
    # The briefing's summary.csv: the lists against the official totals (dashboard/briefing.py).
    "summary.official_filed": (
        "Filings the regulator announced (cumulative, as of as_of_date)",
        "监管机构公布的累计备案数（截至 as_of_date）",
    ),
    "summary.listed_filed": (
        "Unique filings in the batches published by as_of_date",
        "截至 as_of_date 已公布批次中去重后的备案数",
    ),
    "summary.filed_difference": ("Filings: lists − announced", "备案数：清单 − 官方"),
    "summary.official_registered": (
        "Registrations the regulator announced (cumulative, as of as_of_date)",
        "监管机构公布的累计登记数（截至 as_of_date）",
    ),
    "summary.listed_registered": (
        "Unique registrations in the batches published by as_of_date",
        "截至 as_of_date 已公布批次中去重后的登记数",
    ),
    "summary.registered_difference": ("Registrations: lists − announced", "登记数：清单 − 官方"),
    "official_none": (
        'No official totals in this period. Load them as a source with entity = "official_totals".',
        '该时间段没有官方总数。可将其作为 entity = "official_totals" 的数据源加载。',
    ),
    "no_registrations": ("No registrations match these filters.", "没有符合筛选条件的备案。"),
    "no_known_coverage": (
        "No dataset in these filters declares whether its records were consented to.",
        "筛选范围内没有数据集申报其记录的同意情况。",
    ),
    "no_active": (
        "No registration in these filters is active at the end of the period.",
        "筛选范围内没有期末有效的备案。",
    ),
    # Violations
    "violations_intro": (
        "Incidents reported about AI services, and enforcement actions by regulators.",
        "有关 AI 服务的事件报告，以及监管机构的执法行动。",
    ),
    "breakdown": ("Break down by", "分解维度"),
    "record_types": ("Show", "显示"),
    "incidents_by_month_title": (
        "{what} per month by {by} (count)",
        "每月{what}，按{by}（件）",
    ),
    "incidents_jurisdiction_title": (
        "Incidents and enforcement actions by jurisdiction (count; province when known, else country)",
        "各属地的事件与执法行动（件；已知省份则按省，否则按国家）",
    ),
    "penalties_title": ("Penalties per month (amount, by currency)", "每月罚款（金额，按币种）"),
    "penalties_note": ("Amounts are shown in their own currency and never converted.", "金额按原币种显示，不做换算。"),
    "linkage_title": (
        "Incidents by whether the provider holds a registration, and when it was filed (count)",
        "事件按主体是否持有备案及备案时间（件）",
    ),
    "linkage_share": (
        "{linked} of {n} records ({share}) name a provider that holds a registration; "
        "{before} were filed before the incident.",
        "{n} 条记录中有 {linked} 条（{share}）涉及持有备案的主体；其中 {before} 条在事件发生前已备案。",
    ),
    "linked_share": ("Share naming a registered provider", "涉及已备案主体的比例"),
    "repeat_title": ("Providers named in two or more records", "出现两次及以上的主体"),
    "no_incidents": ("No incidents match these filters.", "没有符合筛选条件的事件。"),
    "no_penalties": ("No penalties match these filters.", "没有符合筛选条件的罚款。"),
    "category_filter_active": ("Incident category filter: {items}", "事件类别筛选：{items}"),
    "clear_category": ("Clear category filter", "清除类别筛选"),
    "registry_not_applied": (
        "The list filter does not apply to incidents: incidents are not on a list.",
        "清单筛选不适用于事件：事件不属于任何清单。",
    ),
    # Consent
    "consent_intro": (
        "Training-data declarations: how much personal information is covered by consent or another legal "
        "basis. Unknown is shown as its own category.",
        "训练数据声明：个人信息有多少由同意或其他合法依据覆盖。“未知”单列为一类。",
    ),
    "record_coverage": ("Record-weighted coverage", "按记录加权的覆盖率"),
    "record_coverage_help": (
        "{consented} of {personal} personal-information records are covered, over N = {n} datasets with "
        "known counts; {unknown} datasets unknown.",
        "在 N = {n} 个已知数量的数据集中，{personal} 条个人信息记录有 {consented} 条被覆盖；"
        "{unknown} 个数据集状态未知。",
    ),
    "service_coverage": ("Service-level coverage", "服务层面覆盖率"),
    "service_coverage_help": (
        "{covered} of {known} services with known status have a documented basis for every "
        "personal-information dataset; {unknown} services unknown (N = {n}).",
        "在 {known} 个状态已知的服务中，{covered} 个服务的全部个人信息数据集均有合法依据；"
        "{unknown} 个服务状态未知（N = {n}）。",
    ),
    "dataset_status_title": ("Datasets by coverage status (count)", "数据集按覆盖状态（个）"),
    "service_status_title": ("Services by consent status (count)", "服务按同意状态（个）"),
    "coverage_by_title": ("Record-weighted coverage by {by} (%)", "按{by}的加权覆盖率（%）"),
    "coverage_trend_title": ("Record-weighted coverage by audit quarter (%)", "按审计季度的加权覆盖率（%）"),
    "threshold": ("Coverage threshold", "覆盖率阈值"),
    "gap_list_title": (
        "Gap list: services below {threshold} or unknown",
        "缺口清单：低于 {threshold} 或状态未知的服务",
    ),
    "gap_list_count": ("{n} services on the gap list.", "缺口清单共 {n} 个服务。"),
    "no_consent": ("No consent declarations match these filters.", "没有符合筛选条件的同意声明。"),
    "no_gaps": ("No services fall below the threshold.", "没有低于阈值的服务。"),
    "by_jurisdiction": ("jurisdiction", "属地"),
    "by_provider": ("provider", "主体"),
    "by_category": ("category", "类别"),
    "by_severity": ("severity", "严重程度"),
    "by_source": ("source", "来源"),
    # Explorer
    "explorer_intro": (
        "Search registrations, providers and incidents. Tables are paged on the server.",
        "搜索备案、主体和事件。表格在服务器端分页。",
    ),
    "tab_registrations": ("Registrations", "备案"),
    "tab_providers": ("Providers", "主体"),
    "tab_incidents": ("Incidents", "事件"),
    "search_registrations": ("Number, service or provider contains", "编号、服务或主体包含"),
    "search_providers": ("Provider contains", "主体包含"),
    "search_incidents": ("Title, service, provider or id contains", "标题、服务、主体或编号包含"),
    "provider_detail": ("Provider detail", "主体详情"),
    "provider_pick": ("Provider", "主体"),
    "provider_pick_help": (
        "Pick a provider in the table above, or type its exact name",
        "在上表中选择主体，或输入其完整名称",
    ),
    "provider_filings": ("Filings in every list ({n})", "各清单中的备案（{n}）"),
    "provider_cancellations": ("Cancellations ({n})", "注销（{n}）"),
    "provider_incidents": ("Linked incidents and enforcement ({n})", "关联事件与执法（{n}）"),
    "provider_consent": ("Consent declarations ({n})", "同意声明（{n}）"),
    "provider_aliases": ("Aliases ({n})", "别名（{n}）"),
    "no_alias_table": (
        "This warehouse has no provider alias table yet; matching is on the exact name.",
        "该数据仓库尚无主体别名表；按完整名称匹配。",
    ),
    "nothing_found": ("Nothing found.", "未找到结果。"),
    # Data quality
    "quality_intro": (
        "How each load went: runs, freshness, row counts, quarantined rows and header changes.",
        "各次加载情况：运行记录、更新时间、行数、隔离行和表头变化。",
    ),
    "runs_title": ("ETL runs", "ETL 运行记录"),
    "freshness_title": ("Sources: freshness and row counts", "数据源：更新时间与行数"),
    "source_files_title": (
        "Files in use: the file each source's loaded rows came from (an archive file for a fetched source)",
        "在用文件：各数据源已加载行所来自的文件（抓取的数据源为归档文件）",
    ),
    "rows_by_source_title": ("Rows loaded and quarantined by source (count)", "各数据源加载与隔离行数（行）"),
    "rows_loaded": ("loaded", "已加载"),
    "rows_quarantined": ("quarantined", "已隔离"),
    "quarantine_title": ("Quarantine", "隔离区"),
    "quarantine_by_reason_title": ("Quarantined rows by source and rule (count)", "隔离行按数据源和规则（行）"),
    "quarantine_source": ("Source", "数据源"),
    "quarantine_rule": ("Rule", "规则"),
    "all": ("All", "全部"),
    "no_quarantine": ("No quarantined rows.", "没有被隔离的行。"),
    "raw_record": ("Raw record", "原始记录"),
    "header_changes_title": ("Header changes since the previous load", "与上次加载相比的表头变化"),
    "header_change_warning": (
        "{source}: columns changed since load {load}. Added: {added}. Removed: {removed}.",
        "{source}：自加载 {load} 以来列有变化。新增：{added}。删除：{removed}。",
    ),
    "no_header_changes": (
        "No source changed its columns since its previous load.",
        "与上次加载相比，没有数据源的列发生变化。",
    ),
    "source_failed": ("{source}: the latest run failed — {message}", "{source}：最近一次运行失败 — {message}"),
    # Axes and columns
    "ax_month": ("Month", "月份"),
    "ax_month_end": ("Month end", "月末"),
    "ax_quarter": ("Audit quarter", "审计季度"),
    "ax_count": ("Count", "数量"),
    "ax_filings": ("Filings (count)", "备案（件）"),
    "ax_active": ("Active registrations (count)", "有效备案（件）"),
    "ax_records": ("Records (count)", "记录（件）"),
    "ax_share": ("Share of active registrations (%)", "占有效备案比例（%）"),
    "ax_coverage": ("Coverage (%)", "覆盖率（%）"),
    "ax_penalty": ("Penalty amount", "罚款金额"),
    "ax_datasets": ("Datasets (count)", "数据集（个）"),
    "ax_services": ("Services (count)", "服务（个）"),
    "ax_rows": ("Rows (count)", "行数"),
    "ax_jurisdiction": ("Jurisdiction", "属地"),
    "ax_provider": ("Provider", "主体"),
    "ax_category": ("Category", "类别"),
    "ax_role": ("Provider role", "主体角色"),
    "ax_source": ("Source", "数据源"),
    "ax_list": ("List", "清单"),
    "ax_kind": ("Kind", "类型"),
    "ax_status": ("Status", "状态"),
    "ax_linkage": ("Linkage", "关联情况"),
    "ax_record_type": ("Record type", "记录类型"),
    "ax_currency": ("Currency", "币种"),
    "ax_group": ("Group", "分组"),
    "ax_rule": ("Rule", "规则"),
    # Vocabularies
    "registry.cac_genai": ("CAC generative-AI services", "生成式人工智能服务"),
    "registry.cac_deep_synthesis": ("CAC deep-synthesis algorithms", "深度合成算法"),
    "registry.cac_algorithm": ("CAC algorithm recommendation", "算法推荐"),
    "kind.filing": ("filing", "备案"),
    "kind.registration": ("registration", "登记"),
    "kind.licence": ("licence", "许可"),
    "kind.on_device": ("on-device service", "端侧服务"),
    "status.active": ("active", "有效"),
    "status.cancelled": ("cancelled", "已注销"),
    "record_type.incident": ("Incidents", "事件"),
    "record_type.enforcement": ("Enforcement actions", "执法行动"),
    "record_type.both": ("Incidents and enforcement actions", "事件与执法行动"),
    "severity.low": ("low", "低"),
    "severity.medium": ("medium", "中"),
    "severity.high": ("high", "高"),
    "severity.critical": ("critical", "严重"),
    "severity.unknown": ("unknown", "未知"),
    "category.deepfake": ("deepfake", "深度伪造"),
    "category.privacy": ("privacy", "隐私"),
    "category.misinformation": ("misinformation", "虚假信息"),
    "category.bias": ("bias", "偏见"),
    "category.safety": ("safety", "安全"),
    "category.security": ("security", "网络安全"),
    "category.intellectual_property": ("intellectual property", "知识产权"),
    "category.fraud": ("fraud", "欺诈"),
    "category.unlicensed_service": ("unlicensed service", "未备案服务"),
    "category.labelling": ("labelling", "标识"),
    "category.content": ("content", "内容"),
    "category.other": ("other", "其他"),
    "coverage_status.covered": ("covered", "已覆盖"),
    "coverage_status.partial": ("partial", "部分覆盖"),
    "coverage_status.none": ("none", "未覆盖"),
    "coverage_status.unknown": ("unknown", "未知"),
    "coverage_status.not_applicable": ("no personal information", "不含个人信息"),
    "service_status.covered": ("covered", "已覆盖"),
    "service_status.gap": ("gap", "有缺口"),
    "service_status.unknown": ("unknown", "未知"),
    "service_status.not_applicable": ("no personal information", "不含个人信息"),
    "linkage.filed_before": ("registered, filed before", "已备案（事件前）"),
    "linkage.filed_after": ("registered, filed after", "已备案（事件后）"),
    "linkage.linked_date_unknown": ("registered, date unknown", "已备案（日期未知）"),
    "linkage.unknown_registration": ("names an unknown number", "编号不在清单中"),
    "linkage.unlinked": ("no registration found", "未找到备案"),
    "sector.healthcare": ("healthcare", "医疗健康"),
    "sector.education": ("education", "教育"),
    "sector.finance": ("finance", "金融"),
    "sector.government_public": ("government and public services", "政务与公共服务"),
    "sector.legal": ("legal", "法律"),
    "sector.customer_service": ("customer service", "客服"),
    "sector.ecommerce_retail": ("e-commerce and retail", "电商零售"),
    "sector.media_content": ("media and content creation", "媒体与内容创作"),
    "sector.transport_automotive": ("transport and automotive", "交通与汽车"),
    "sector.manufacturing_industry": ("manufacturing and industry", "制造与工业"),
    "sector.energy": ("energy", "能源"),
    "sector.telecoms": ("telecoms", "电信"),
    "sector.general_purpose": ("general-purpose models", "通用模型"),
    "sector.unclassified": ("unclassified", "未分类"),
    "ownership.central_soe": ("central SOE", "中央企业"),
    "ownership.university": ("university or college", "高校"),
    "ownership.research_institute": ("research institute or lab", "科研院所"),
    "ownership.other_enterprise": ("other enterprise", "其他企业"),
    "change_type.new": ("new", "新增"),
    "change_type.cancelled": ("cancelled", "注销"),
    "change_type.renamed": ("renamed", "更名"),
    "change_type.delisted": ("delisted", "下架"),
    # Briefing page
    "briefing_intro": (
        "A ZIP of CSV files for a period and filters: the overview KPIs with the previous period, new and "
        "cancelled registrations, incidents, consent gaps, counts by jurisdiction, and a manifest saying "
        "which data, which filters and as of when. UTF-8 with BOM, opens in Excel. The same files as "
        "`python -m etl brief`.",
        "按时间段和筛选条件生成的 CSV 压缩包：概览指标及上期对比、新增与注销备案、事件、同意缺口、按属地统计，"
        "以及说明数据来源、筛选条件和数据时点的清单。UTF-8（带 BOM），可直接用 Excel 打开。"
        "与 `python -m etl brief` 生成的文件相同。",
    ),
    "briefing_period": ("Briefing period", "简报时间段"),
    "briefing_custom": ("Custom range", "自定义范围"),
    "briefing_last-month": ("Last month", "上个月"),
    "briefing_last-quarter": ("Last quarter", "上个季度"),
    "briefing_last-year": ("Last year", "去年"),
    "briefing_from": ("From", "起始"),
    "briefing_to": ("To", "截止"),
    "briefing_jurisdictions": ("Jurisdictions", "属地"),
    "briefing_lists": ("Lists", "名单"),
    "briefing_categories": ("Incident categories", "事件类别"),
    "briefing_provider": ("Provider name contains", "提供者名称包含"),
    "briefing_sectors": ("Sectors", "行业"),
    "briefing_ownership": ("Ownership", "主体性质"),
    "briefing_threshold": ("Consent gap threshold", "同意缺口阈值"),
    "briefing_all": ("All", "全部"),
    "briefing_download_bundle": ("Download briefing (ZIP)", "下载简报（ZIP）"),
    "briefing_as_of": (
        "Period {start} to {end} (previous: {prev_start} to {prev_end}). Data as of {as_of} (oldest source), "
        "load {load_id}.",
        "时间段 {start} 至 {end}（上期：{prev_start} 至 {prev_end}）。"
        "数据时点 {as_of}（最早的数据源），加载批次 {load_id}。",
    ),
    "briefing_summary": ("Summary", "概览"),
    "briefing_rows": ("{rows} rows; the first {shown} are shown.", "共 {rows} 行；显示前 {shown} 行。"),
    "briefing_no_rows": ("No rows match this period and these filters.", "该时间段和筛选条件下没有数据。"),
    "briefing_download_file": ("Download {name}", "下载 {name}"),
    "briefing_failed": ("The briefing could not be built: {error}", "无法生成简报：{error}"),
    "sectors_title": ("What is being licensed: sectors", "备案服务的行业分布"),
    "sectors_by_month_title": ("Filings by sector and month", "各行业每月备案"),
    "sectors_ranked_title": ("Sectors ranked, this period", "本期行业排名"),
    "sectors_caption": (
        "Sectors come from editable rules (data/sector_rules.csv): each registration names the rule that fired, "
        "or is unclassified. A registration with two sectors counts in each. Precision and recall against a "
        "hand-labelled sample are in the README.",
        "行业由可编辑规则（data/sector_rules.csv）标注：每条备案记录触发的规则，未触发则为“未分类”。"
        "同属两个行业的备案在两个行业各计一次。规则对人工标注样本的精确率和召回率见 README。",
    ),
    "ownership_title": ("Who holds them: ownership of the provider", "备案主体性质"),
    "ownership_caption": (
        "Central SOE: listed under 国资委, or on SASAC's list of central enterprises (group and subsidiary "
        "names); university; research institute or lab; other enterprise. The Explorer's provider detail "
        "says how each provider's type was decided.",
        "中央企业：属地为国资委，或列入国资委央企名录（按集团及子公司名称匹配）；高校；科研院所；其他企业。"
        "数据浏览页的主体详情说明了每个主体性质的判定依据。",
    ),
    "provider_ownership": ("Ownership: {kind}", "主体性质：{kind}"),
    "url_key.lang": ("language", "语言"),
    "url_key.period": ("period", "时间段"),
    "url_key.from": ("from", "起始"),
    "url_key.to": ("to", "截止"),
    "url_key.jur": ("jurisdiction", "属地"),
    "url_key.reg": ("list", "清单"),
    "url_key.q": ("provider", "主体"),
    "url_key.cat": ("category", "类别"),
    "url_key.sector": ("sector", "行业"),
    "url_key.own": ("ownership", "主体性质"),
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for key in lang, with {placeholders} filled. A missing key shows the key itself
    (tests check every key used exists, so this only guards a typo in production)."""
    pair = TEXT.get(key)
    text = key if pair is None else pair[1 if lang == "zh" else 0]
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    def _t(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return _t


def vocab(kind: str, value: object, lang: str = "en") -> str:
    """Label of a vocabulary value; names from sources and unknown values are shown as-is."""
    if value is None or (isinstance(value, float) and value != value):
        return t("not_stated", lang)
    key = f"{kind}.{value}"
    return t(key, lang) if key in TEXT else str(value)


# Column -> label, for axis titles, hover lines, table headers and CSV headers, in the data
# dictionary (core/dictionary.py LABELS) beside each column's meaning. A chart, table or download
# names a column and gets its label here; a page never spells one.
COLUMNS: dict[str, tuple[str, str]] = LABELS


def column_label(column: str, lang: str = "en") -> str:
    """The label of a column in lang; an unlisted column shows its name, words spaced."""
    pair = COLUMNS.get(column)
    if pair is None:
        return column.replace("_", " ")
    return pair[1 if lang == "zh" else 0]


def column_labels(columns: object, lang: str = "en") -> dict[str, str]:
    return {str(c): column_label(str(c), lang) for c in columns}  # type: ignore[union-attr]
