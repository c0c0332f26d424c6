-- Tables the ETL keeps about itself. Created empty in every new build; rows from the previous
-- build are carried over by etl.pipeline.

-- Every rejected row of the current build, with every rule it broke.
create table if not exists quarantine (
    load_id varchar not null,
    source varchar not null,
    source_file varchar,
    source_line bigint,
    columns varchar[],
    raw_record varchar,
    rules varchar[],
    reason varchar not null,
    kind varchar not null,  -- 'invalid' (a rule failed) or 'unreadable' (the reader rejected it)
);

-- Keys that loaded after normalisation (look-alike characters removed), with the raw value the
-- file held, so that nothing the file said is lost.
create table if not exists key_normalisations (
    load_id varchar not null,
    source varchar not null,
    source_file varchar,
    source_line bigint,
    key_column varchar not null,
    raw_value varchar,
    key_value varchar,
);

-- One row per run and source.
create table if not exists etl_runs (
    load_id varchar not null,
    source varchar not null,
    entity varchar,
    adapter varchar,
    location varchar,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,  -- 'loaded', 'failed' (previous rows kept) or 'skipped'
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    input_sha256 varchar,
    headers varchar[],
    message varchar,
    rows_skipped bigint,  -- left out on purpose: repeated header rows, blank rows (see message)
);

-- The current declaration of every source, with its attribution and licence notes.
create table if not exists etl_sources (
    source varchar primary key,
    entity varchar,
    adapter varchar,
    registry varchar,
    location varchar,
    attribution varchar,
    data_load_id varchar,  -- the load whose rows the warehouse holds for this source
);

-- One row: which build this file is.
create table if not exists warehouse_meta (
    load_id varchar,
    built_at timestamptz,
    etl_version varchar,
    is_sample boolean,
);

-- Provinces with their names and GB/T 2260 prefixes, plus central SOEs (from etl/jurisdictions.py).
create table if not exists ref_jurisdictions (
    code varchar primary key,
    name_zh varchar,
    name_en varchar,
    gb_prefix varchar,
    country varchar,
);
