-- Sources whose licence asks for attribution (e.g. CC BY-SA), by the entity they feed.
select
    source,
    entity,
    attribution,
from etl_sources
where attribution is not null and trim(attribution) <> ''
order by entity, source
