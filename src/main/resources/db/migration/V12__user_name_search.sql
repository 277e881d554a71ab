-- Finding a user by a part of the name (GET /users?name=): the person on call knows "Smith"
-- or "josé", rarely the whole name, its case or where it starts. The filter is
-- name ILIKE '%<text>%', which a B-tree cannot answer; a trigram index (pg_trgm, shipped with
-- PostgreSQL's contrib and trusted since PostgreSQL 13, so the owner of the database may create
-- it) answers it for any text of three characters or more, wherever it stands in the name.
-- Only live users are searched, so only they are indexed.
--
-- pg_trgm may live in another schema already, or not be installable at all (a database whose
-- role may not create extensions, a server built without contrib). The opclass is then named
-- through the schema the extension is in; without the extension the search still answers the
-- same, only by reading users in id order (docs/api.md), and the migration says so instead of
-- failing the start.
DO $search$
DECLARE
    trgm_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION
        WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
            RAISE NOTICE 'GET /users?name= is served without an index: pg_trgm could not be created (%)', SQLERRM;
            RETURN;
    END;
    SELECT n.nspname INTO trgm_schema
      FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX users_name_trgm ON users USING gin (name %I.gin_trgm_ops) WHERE deleted_at IS NULL',
                   trgm_schema);
END $search$;
