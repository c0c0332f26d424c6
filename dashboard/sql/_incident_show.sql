-- The drill-down from a KPI card or a chart mark (Filters.show, URL `show`): exactly the
-- records the figure counts. `*-month` are the records a monthly chart draws: the same condition
-- as _month_precise (a date known at least to the month). The segment of a stacked bar
-- (Filters.segment, URL sev, src): its severity (`unknown` when none is given) or source.
and case
    when $show in ('incident', 'incident-month') then record_type = 'incident'
    when $show in ('enforcement', 'enforcement-month') then record_type = 'enforcement'
    when prefix($show, 'penalty-') then penalty_amount is not null
        and coalesce(penalty_currency, 'unknown') = regexp_replace(substr($show, 9), '-month$', '')
    else true
end
and (not suffix($show, '-month') or is_month_precise)
and ($seg_sev = '' or coalesce(severity, 'unknown') = $seg_sev)
and ($seg_src = '' or source = $seg_src)
