-- The tables a research export writes: every mart, plus the jurisdiction reference its codes
-- point to, in name order.
select table_name,
from information_schema.tables
where table_schema = 'main'
    and table_type = 'BASE TABLE'
    and (starts_with(table_name, 'mart_') or table_name = 'ref_jurisdictions')
order by table_name
