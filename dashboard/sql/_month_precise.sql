-- Records whose date is known at least to the month, the only ones a monthly chart draws
-- (mart_incidents.is_month_precise, worked out once by the ETL: a year-precision `2019` is stored
-- as 2019-01-01 and would pile up in January).
and is_month_precise
