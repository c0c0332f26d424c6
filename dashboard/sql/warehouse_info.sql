-- The published build: its load, when it was built, and whether it is the built-in sample.
select
    load_id,
    built_at,
    etl_version,
    is_sample,
from warehouse_meta
limit 1
