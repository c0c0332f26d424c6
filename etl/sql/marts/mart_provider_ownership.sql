-- The ownership type of every provider named in the lists, with how it was decided, in this
-- order: listed under 国资委 (属地 / jurisdiction CN-SOE); a group on SASAC's list of central
-- enterprises (stg_central_enterprises, data/central_enterprises.csv), matched on the group's
-- name, the name without its company form (at least 4 characters), or one of its other names
-- (short names, brands, subsidiaries); a university or college (大学, 学院, 学校, and not a
-- company); a research institute or lab (研究院, 研究所, 实验室, 科学院, 研究中心, and not a
-- company); otherwise another enterprise.
create or replace table mart_provider_ownership as
with registrations as (
    select * from mart_registrations
),

enterprises as (
    select * from stg_central_enterprises
),

providers as (
    select
        provider_name,
        bool_or(jurisdiction_code = 'CN-SOE') as is_listed_under_sasac,
        count(*) as registration_count,
        lower(regexp_replace(to_halfwidth(provider_name), '\s+', '', 'g')) as name_folded,
    from registrations
    where provider_name is not null
    group by provider_name
),

enterprise_names as (
    select group_name, group_name as name, 'group name' as name_kind from enterprises
    union all
    select
        group_name,
        regexp_replace(group_name, '(（集团）|\(集团\)|集团)?(控股)?(股份)?(有限责任公司|有限公司|集团公司|总局)$', '') as name,
        'group name without its company form' as name_kind,
    from enterprises
    union all
    select group_name, unnest(other_names) as name, 'other name' as name_kind from enterprises
),

name_keys as (
    select distinct
        group_name,
        name,
        name_kind,
        lower(regexp_replace(to_halfwidth(name), '\s+', '', 'g')) as name_folded,
        length(name) * 10 - list_position(['group name', 'group name without its company form', 'other name'], name_kind)
            as match_rank,
    from enterprise_names
    where name is not null and (name_kind <> 'group name without its company form' or length(name) >= 4)
),

sasac_matches as (
    -- The longest name that matches decides (中国电信 before 电信).
    select
        providers.provider_name,
        arg_max(name_keys.group_name, name_keys.match_rank) as sasac_group,
        arg_max(name_keys.name, name_keys.match_rank) as sasac_matched_name,
    from providers
    inner join name_keys on contains(providers.name_folded, name_keys.name_folded)
    group by providers.provider_name
),

classified as (
    select
        providers.provider_name,
        providers.registration_count,
        providers.is_listed_under_sasac,
        sasac_matches.sasac_group,
        sasac_matches.sasac_matched_name,
        not regexp_matches(providers.provider_name, '公司|集团|工作室|企业') as is_not_company,
        regexp_extract(providers.provider_name, '大学|学院|学校') as university_word,
        regexp_extract(providers.provider_name, '研究院|研究所|实验室|科学院|研究中心') as institute_word,
    from providers
    left join sasac_matches on sasac_matches.provider_name = providers.provider_name
),

final as (
    select
        provider_name,
        case
            when is_listed_under_sasac then 'central_soe'
            when sasac_group is not null then 'central_soe'
            when is_not_company and university_word <> '' and not contains(provider_name, '科学院')
                then 'university'
            when is_not_company and institute_word <> '' then 'research_institute'
            when is_not_company and university_word <> '' then 'university'
            else 'other_enterprise'
        end as ownership_type,
        case
            when is_listed_under_sasac then 'listed under 国资委 (jurisdiction CN-SOE)'
            when sasac_group is not null
                then 'SASAC central enterprise list: ' || sasac_group || ' (name contains ' || sasac_matched_name || ')'
            when is_not_company and university_word <> '' and not contains(provider_name, '科学院')
                then 'name contains ' || university_word || ', not a company'
            when is_not_company and institute_word <> '' then 'name contains ' || institute_word || ', not a company'
            when is_not_company and university_word <> '' then 'name contains ' || university_word || ', not a company'
            else 'none of the above'
        end as ownership_basis,
        sasac_group,
        registration_count,
    from classified
)

select * from final
order by provider_name
