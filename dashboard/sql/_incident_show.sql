-- The drill-down from a KPI card or a chart mark (Filters.show, URL `show`): exactly the
-- records the figure counts. `*-month` are the records a monthly chart draws: the same condition
-- as _month_precise (a date known at least to the month).
and case
    when $show in ('incident', 'incident-month') then record_type = 'incident'
    when $show in ('enforcement', 'enforcement-month') then record_type = 'enforcement'
    when prefix($show, 'penalty-') then penalty_amount is not null
        and coalesce(penalty_currency, 'unknown') = substr($show, 9)
    else true
end
and (not suffix($show, '-month') or occurred_date is null or coalesce(occurred_precision, 'day') in ('day', 'month'))
