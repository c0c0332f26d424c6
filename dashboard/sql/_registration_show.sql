-- The drill-down from a KPI card (Filters.show, URL `show`) over registrations: active at the
-- period end, cancelled in it, or by default filed in it (the "new filings" KPI). One definition
-- for the Explorer's page and its count, so the count is the number of rows the page lists.
case $show
    when 'active' then (
        -- include: _active_on
        filed_date <= active_on
        and (cancelled_date is null or cancelled_date > active_on)
        -- end include: _active_on
    )
    when 'cancelled' then cancelled_date between $start_date and $end_date
    else ($is_all_time or filed_date between $start_date and $end_date)
end
