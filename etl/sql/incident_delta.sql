-- Which incidents an incremental run must redo in mart_incident_providers and mart_incidents
-- when the incidents themselves are unchanged (etl.incremental.DELTA_MODELS): the alias table
-- changed, or a list (a new CAC batch, a cancellation) changed the registrations.
--
-- An incident's rows in those two marts depend, besides its own staged row, only on:
-- - how each provider name it gives is matched (int_provider_names) and whether any
--   registration shares that provider or name (has_registrations);
-- - the registrations it can link to: by the number it gives, or through a link key (filed
--   date, provider and service names, service keys).
-- Both are kept after every build as small state tables (etl/sql/incident_state.sql computes
-- them, etl/sql/incident_state_keep.sql keeps them). Comparing this run's with
-- the previous build's gives the names, numbers and link keys that changed; the incidents that
-- use any of them are the ones to redo. Reads mart_incident_providers as the previous build
-- left it (the run starts from a copy), before the delta replaces any row.

create or replace temp table __changed_names as
select distinct provider_name from (
    (select * from __name_state except all select * from etl_name_match_state)
    union all
    (select * from etl_name_match_state except all select * from __name_state)
);

create or replace temp table __changed_links as
select * from (
    (select * from __link_state except all select * from etl_registration_link_state)
    union all
    (select * from etl_registration_link_state except all select * from __link_state)
);

create or replace temp table __affected_incidents as
select incident_id from mart_incident_providers
where provider_name in (select provider_name from __changed_names)
    or link_key in (select link_key from __changed_links where link_key is not null)
union
select incident_id from stg_incidents
where registration_id in (select registration_id from __changed_links);
