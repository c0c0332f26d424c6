-- Every row of one exported table ($table, a name from export_tables.sql), in a fixed order
-- (every column), so that exporting an unchanged warehouse twice gives identical files.
select *
from query_table($table::varchar)
order by all
