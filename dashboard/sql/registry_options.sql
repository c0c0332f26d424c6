-- Every list a registration appears in.
select distinct unnest(registries) as registry
from mart_registrations
order by registry
