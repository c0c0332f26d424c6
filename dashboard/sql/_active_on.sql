-- The one definition of "active on a date" for every registration query (KPI cards, the active-
-- by-month chart, the map and ranked bars, top providers, briefings), included as a condition on
-- rows that carry filed_date, cancelled_date and the date `active_on`. Filed by that date and not
-- cancelled by it. Every cancelled number has a cancelled_date: the published one, else the first
-- batch or load that showed it cancelled (mart_registrations.cancelled_date_basis says which).
filed_date <= active_on
and (cancelled_date is null or cancelled_date > active_on)
