-- The ownership type of one provider (its name and known aliases), with how it was decided.
select
    provider_name,
    ownership_type,
    ownership_basis,
    sasac_group,
from mart_provider_ownership
where list_contains($names::varchar[], provider_name)
order by provider_name
