-- JSON functions shared by the write path, the guards and history: pure, no table access. The
-- file name sorts first among the repeatable migrations, so the others can rely on these.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place.
--
-- Volatility is declared as it is (IMMUTABLE only when every function called is IMMUTABLE):
-- PostgreSQL inlines a one-expression SQL function into the calling statement only then, and
-- a function it cannot inline is planned again in every transaction that calls it.

-- One RFC 6901 reference token: '~' becomes '~0' and '/' becomes '~1', in that order
-- (section 4), so a key like "a/b" is the path /data/a~1b. Inlined wherever it is used.
CREATE OR REPLACE FUNCTION custodian_pointer_token(key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT replace(replace(key, '~', '~0'), '/', '~1')
$$;

-- The RFC 7396 walk, for the merge patches custodian_merge_patch does not settle itself: members
-- set to null are removed, objects merge recursively, anything else replaces. Its sub-select
-- keeps PostgreSQL from inlining it, so it is planned at each call: only rare shapes get here.
CREATE OR REPLACE FUNCTION custodian_merge_patch_walk(target jsonb, patch jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(key,
               CASE WHEN p.value IS NULL THEN t.value
                    ELSE custodian_merge_patch(t.value, p.value) END), '{}'::jsonb)
      FROM jsonb_each(CASE WHEN jsonb_typeof(target) = 'object' THEN target ELSE '{}'::jsonb END) AS t
      FULL JOIN jsonb_each(patch) AS p USING (key)
     WHERE p.value IS NULL OR jsonb_typeof(p.value) <> 'null'
$$;

-- RFC 7396 JSON merge patch, as the one-statement write path applies it. The patch the service
-- sends most (a new phone number: members that are scalars or arrays, none null) is exactly
-- jsonb concatenation, which PostgreSQL does in C; anything else goes to the walk above. One
-- CASE over IMMUTABLE functions, so PostgreSQL inlines it into the UPDATE and plans it with the
-- statement (measured: as a function with a sub-select it was planned in every transaction and
-- cost more than the rest of the write).
CREATE OR REPLACE FUNCTION custodian_merge_patch(target jsonb, patch jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN jsonb_typeof(patch) IS DISTINCT FROM 'object' THEN patch
        WHEN jsonb_typeof(target) = 'object'
             AND NOT jsonb_path_exists(patch, 'strict $.* ? (@.type() == "object" || @.type() == "null")')
            THEN target || patch
        ELSE custodian_merge_patch_walk(target, patch)
    END
$$;

-- x itself, read into memory once. A PL/pgSQL variable or argument that holds a document
-- stored out of line (TOAST) is fetched and decompressed again by every -> that reads it;
-- the value at the empty path is the whole document as read, without a copy, whatever its
-- kind. One read: a CASE on jsonb_typeof(x) read it twice (measured, callgrind, a one-key
-- change of a 10,000-key document: two fetches and decompressions of 2 million instructions
-- each).
CREATE OR REPLACE FUNCTION custodian_in_memory(x jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT x #> '{}'::text[]
$$;
