-- The segment of a clicked chart mark (Filters.segment, URL rcat, role, list, kind; see
-- dashboard/drill.py): the bar's category or provider role (`-` when the list states none), the
-- list the bar is split by (mart_registrations.registry, the list that speaks for a number on
-- several lists, as the stacked charts count it) and the kind. Included only by the Explorer.
and ($seg_rcat = '' or coalesce(category, '-') = $seg_rcat)
and ($seg_role = '' or coalesce(provider_role, '-') = $seg_role)
and ($seg_list = '' or registry = $seg_list)
and ($seg_kind = '' or kind = $seg_kind)
