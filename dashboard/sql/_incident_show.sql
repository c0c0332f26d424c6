-- The drill-down from a KPI card (Filters.show, URL `show`): exactly the records the card counts.
and case
    when $show = 'incident' then record_type = 'incident'
    when $show = 'enforcement' then record_type = 'enforcement'
    when prefix($show, 'penalty-') then penalty_amount is not null
        and coalesce(penalty_currency, 'unknown') = substr($show, 9)
    else true
end
