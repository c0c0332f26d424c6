-- The sectors the build's rules tagged, most registrations first (the sidebar's sector filter).
select
    sector,
    count(*) as registration_count,
from mart_registration_sectors
group by sector
order by registration_count desc, sector
