-- Keep this build's incident link state (etl/sql/incident_state.sql) for the next incremental run.
create or replace table etl_name_match_state as select * from __name_state;
create or replace table etl_registration_link_state as select * from __link_state;
