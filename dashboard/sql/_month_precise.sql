-- Records whose date is known at least to the month, the only ones a monthly chart draws (a
-- year-precision `2019` is stored as 2019-01-01 and would pile up in January). event_date is
-- occurred_date when there is one, at occurred_precision; a reported date is a day.
and (occurred_date is null or coalesce(occurred_precision, 'day') in ('day', 'month'))
