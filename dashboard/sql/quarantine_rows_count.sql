-- How many quarantined rows match (see quarantine_rows.sql).
select count(*) as row_count
from quarantine
where ($source = '' or source = $source)
    and ($rule = '' or list_contains(rules, $rule))
