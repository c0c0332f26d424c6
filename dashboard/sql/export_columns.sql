-- The columns of one exported table, with their DuckDB types, in table order.
select
    column_name,
    data_type,
from information_schema.columns
where table_schema = 'main' and table_name = $table
order by ordinal_position
