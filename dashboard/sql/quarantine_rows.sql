-- One page of quarantined rows, with the raw record as it was read.
select
    source,
    source_file,
    source_line,
    kind,
    array_to_string(rules, '; ') as rules,
    array_to_string(columns, '; ') as columns,
    reason,
    raw_record,
    load_id,
from quarantine
where ($source = '' or source = $source)
    and ($rule = '' or list_contains(rules, $rule))
order by source, source_file, source_line
limit $limit offset $offset
