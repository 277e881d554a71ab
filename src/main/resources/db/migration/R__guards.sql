-- The database guards: PostgreSQL itself refuses silent data loss on users, whoever connects
-- (the service, an ORM, a script, psql). docs/guards.md is the operator's manual for them.
-- Repeatable: Flyway runs this file again whenever it changes, after every versioned
-- migration, so each statement replaces in place. The triggers that call these functions are
-- declared in R__users.sql, in firing order.
--
-- Two guards, each with its own SQLSTATE (class CU is ours, no PostgreSQL code starts with it):
--   CU001  key-loss guard: an UPDATE would remove something stored in data
--   CU002  bulk guard: one statement would touch more rows than the transaction confirmed
-- A transaction declares intent with SET LOCAL; the guards read the settings with
-- current_setting(name, true), so an unset setting reads as NULL instead of failing.

-- Whether one cheap look shows that replacing old by new loses nothing: the documents are
-- equal, or old is an object of scalars only (the usual profile: phone, address, country,
-- ...) whose every key is still in new. It answers from C functions alone, without a query,
-- so it settles the usual write before custodian_lost_paths starts its walk. false means
-- "look closer", not "something is lost". Inlined by PostgreSQL where it is called.
--   (old || new) = new  holds exactly when every key of old is a key of new: the
--                       concatenation takes new's values, so only a missing key shows.
CREATE OR REPLACE FUNCTION custodian_keeps_keys_at_a_glance(old jsonb, new jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT old IS NOT DISTINCT FROM new
        OR jsonb_typeof(old) = 'object' AND jsonb_typeof(new) = 'object'
           AND NOT jsonb_path_exists(old, 'strict $.* ? (@.type() == "object" || @.type() == "array")', '{}', true)
           AND (old || new) = new
$$;

-- What replacing old by new would drop: the JSON Pointers of every place that holds data in
-- old and no longer exists in new, outermost only (a removed object is named, not each key
-- inside it). Paths are rooted at the user document, where data lives at /data, so they read
-- the same as the guard's errors. A place is lost when
--   * an object member's key is missing from new at the same place,
--   * an object became something else than an object: each of its members is lost,
--   * an array became shorter, or something else than an array: each missing index is lost.
-- Changing a scalar is an edit, not a loss, and an empty object or array holds nothing to lose.
-- The guard uses this function; operators can run it to see what an UPDATE would remove:
--   SELECT id, custodian_lost_paths(data, data - 'address') FROM users WHERE ...
--
-- Cost: an object of scalars is settled at a glance (above); otherwise the walk visits only
-- the members of old and descends only into objects and arrays whose value changed. new is
-- read into memory once before the walk (custodian_in_memory), not at every -> of it.
CREATE OR REPLACE FUNCTION custodian_lost_paths(old jsonb, new jsonb, at text DEFAULT '/data') RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    old_kind text := jsonb_typeof(old);
    lost text[] := '{}';
    members refcursor;
    part record;
    deeper text;
BEGIN
    IF old_kind IS DISTINCT FROM 'object' AND old_kind IS DISTINCT FROM 'array'
       OR custodian_keeps_keys_at_a_glance(old, new) THEN
        RETURN lost;
    END IF;
    new := custodian_in_memory(new);
    -- The members of old that are gone from new, or that hold an object or array whose value
    -- changed. new -> key (new -> index) is NULL when that place is gone, also when new is not
    -- an object (an array) at all; a JSON null is not SQL NULL. One query per kind: a single
    -- plan for both (UNION ALL) made every call about 1.5 times as expensive (measured).
    IF old_kind = 'object' THEN
        OPEN members FOR
            SELECT at || '/' || custodian_pointer_token(o.key) AS path, o.value AS was, new -> o.key AS now
              FROM jsonb_each(old) AS o
             WHERE new -> o.key IS NULL
                OR jsonb_typeof(o.value) IN ('object', 'array') AND o.value <> new -> o.key;
    ELSE
        -- Arrays are compared by position: an element is lost when its index is gone.
        OPEN members FOR
            SELECT at || '/' || (e.n - 1) AS path, e.value AS was, new -> (e.n - 1)::int AS now
              FROM jsonb_array_elements(old) WITH ORDINALITY AS e(value, n)
             WHERE new -> (e.n - 1)::int IS NULL
                OR jsonb_typeof(e.value) IN ('object', 'array') AND e.value <> new -> (e.n - 1)::int;
    END IF;
    LOOP
        FETCH members INTO part;
        EXIT WHEN NOT FOUND;
        -- Paths are appended one by one: PL/pgSQL appends in place only for "lost := lost ||
        -- element", which keeps the walk linear when thousands of array elements are lost.
        IF part.now IS NULL THEN
            lost := lost || part.path;
        ELSE
            FOREACH deeper IN ARRAY custodian_lost_paths(part.was, part.now, part.path) LOOP
                lost := lost || deeper;
            END LOOP;
        END IF;
    END LOOP;
    CLOSE members;
    RETURN lost;
END $$;

COMMENT ON FUNCTION custodian_lost_paths(jsonb, jsonb, text) IS
    'JSON Pointers (rooted at the user document, data at /data) of what replacing old by new would remove; the key-loss guard refuses an UPDATE when this is not empty. See docs/guards.md.';

-- The lost paths a transaction did not name for removal. custodian.removing names them: a
-- JSON array of RFC 6901 pointers rooted at the user document (["/data/address",
-- "/data/tags/2"]). A lost path is named when it equals a pointer or lies below one ("" names
-- the whole document). Arrays are compared by position, so removing an element shows as the
-- loss of the array's last index: the lost indices of an array that was an array in old_data
-- (the document at path "at" before the write: /data for users, "" for the documents of an
-- adopted table's row, R__tables_adopted.sql) are named as long as no more of them are lost than
-- elements of that array were named. Linear in the paths: the named pointers become the keys
-- of one jsonb object, and each ancestor of a lost path is looked up there (a binary search),
-- never compared with each pointer in turn. Keeps the order of lost.
DROP FUNCTION IF EXISTS custodian_unnamed_paths(text[], text);
DROP FUNCTION IF EXISTS custodian_unnamed_paths(text[], text, jsonb);
CREATE OR REPLACE FUNCTION custodian_unnamed_paths(lost text[], removing text, old_data jsonb,
                                                   at text DEFAULT '/data') RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    named jsonb;
BEGIN
    IF removing IS NULL OR removing = '' OR cardinality(lost) = 0 THEN
        RETURN lost;
    END IF;
    BEGIN
        named := removing::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        named := NULL; -- refused below, with the setting's name
    END;
    IF named IS NULL OR jsonb_typeof(named) <> 'array'
       OR jsonb_path_exists(named, 'strict $[*] ? (@.type() != "string" || !(@ == "" || @ starts with "/"))') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('custodian.removing must be a JSON array of JSON Pointers such as ["/data/address"], got %s',
                             left(removing, 200));
    END IF;
    RETURN ARRAY(
        WITH pointers AS (
            SELECT pointer, substring(pointer FROM '^(.*)/(?:0|[1-9][0-9]*)$') AS parent
              FROM jsonb_array_elements_text(named) AS pointer),
        keyed AS (SELECT coalesce(jsonb_object_agg(pointer, true), '{}') AS names FROM pointers),
        unnamed AS (
            SELECT l.path, l.n, substring(l.path FROM '^(.*)/(?:0|[1-9][0-9]*)$') AS parent
              FROM unnest(lost) WITH ORDINALITY AS l(path, n), keyed
             WHERE NOT EXISTS (
                       SELECT FROM generate_series(1, cardinality(string_to_array(l.path, '/'))) AS depth
                        WHERE keyed.names ? array_to_string((string_to_array(l.path, '/'))[1:depth], '/'))),
        -- Every lost index of an array counts, named or not: naming one element lets one go.
        shortened AS (
            SELECT substring(l.path FROM '^(.*)/(?:0|[1-9][0-9]*)$') AS parent, count(*) AS lost_elements
              FROM unnest(lost) AS l(path)
             GROUP BY 1),
        removed AS (
            SELECT s.parent
              FROM shortened s
             WHERE starts_with(s.parent, at || '/')
               AND jsonb_typeof(old_data #> custodian_pointer_keys(substr(s.parent, length(at) + 1))) = 'array'
               AND s.lost_elements <= (SELECT count(*) FROM pointers p WHERE p.parent = s.parent))
        SELECT u.path FROM unnamed u
         WHERE u.parent IS NULL OR u.parent NOT IN (SELECT parent FROM removed)
         ORDER BY u.n);
END $$;

-- The keys of an RFC 6901 pointer ('/a~1b/0' gives {a/b,0}), for the #> operator; section 4:
-- '~1' becomes '/', then '~0' becomes '~'.
CREATE OR REPLACE FUNCTION custodian_pointer_keys(pointer text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(replace(replace(token, '~1', '/'), '~0', '~') ORDER BY n), '{}')
      FROM unnest(string_to_array(pointer, '/')) WITH ORDINALITY AS t(token, n)
     WHERE n > 1
$$;

-- Refuses an UPDATE of the row under row_key that would remove the given paths (none: nothing
-- to refuse). One place for the key-loss guard's error: SQLSTATE CU001, a message naming the
-- row and the paths, a DETAIL in JSON for programs (the row's key under key_field: userId for
-- users, key for an adopted table), and the statement that confirms in the HINT.
CREATE OR REPLACE FUNCTION custodian_refuse_key_loss(table_schema text, table_name text, row_key jsonb,
                                                     lost text[], key_field text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    -- A message and an error detail have to stay readable: the first 20 paths, then a count.
    shown text[] := lost[1:20];
    more int := cardinality(lost) - cardinality(lost[1:20]);
BEGIN
    IF cardinality(lost) = 0 THEN
        RETURN;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'CU001',
        MESSAGE = format('%s row %s: this UPDATE would remove %s%s', table_name, row_key #>> '{}',
                         array_to_string(shown, ', '),
                         CASE WHEN more > 0 THEN format(' and %s more', more) ELSE '' END),
        -- Machine-readable for clients: the service turns it into a 409 naming the paths.
        DETAIL = json_build_object('table', table_name, key_field, row_key, 'lost', shown, 'more', more)::text,
        HINT = 'If the removal is intended, run SET LOCAL custodian.allow_removal = ''on'' in the same transaction first.',
        SCHEMA = table_schema,
        TABLE = table_name;
END $$;

-- The key-loss guard's error for a users row, whose DETAIL names it as userId.
CREATE OR REPLACE FUNCTION custodian_refuse_key_loss(table_schema text, table_name text, row_id bigint,
                                                     lost text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(lost) > 0 THEN
        PERFORM custodian_refuse_key_loss(table_schema, table_name, to_jsonb(row_id), lost, 'userId');
    END IF;
END $$;

-- The number of rows the transaction confirmed with SET LOCAL custodian.allow_rows = '<n>':
-- a missing, empty or non-numeric setting confirms none.
CREATE OR REPLACE FUNCTION custodian_allowed_rows() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN btrim(current_setting('custodian.allow_rows', true)) ~ '^[0-9]{1,18}$'
                THEN btrim(current_setting('custodian.allow_rows', true))::bigint ELSE 0 END
$$;

-- Raises the bulk guard's error; one place for its wording.
CREATE OR REPLACE FUNCTION custodian_refuse_rows(operation text, table_schema text, table_name text,
                                      touched bigint, allowed bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'CU002',
        MESSAGE = format('this %s would %s %s row%s of %s, %s', operation,
                         CASE operation WHEN 'UPDATE' THEN 'change' WHEN 'INSERT' THEN 'add' ELSE 'remove' END,
                         touched, CASE WHEN touched = 1 THEN '' ELSE 's' END, table_name,
                         CASE WHEN allowed > 0 THEN format('more than the %s confirmed', allowed)
                              WHEN operation = 'TRUNCATE' THEN 'and a TRUNCATE always needs confirmation'
                              ELSE 'and a statement touching more than one row needs confirmation' END),
        DETAIL = json_build_object('table', table_name, 'operation', operation,
                                   'rows', touched, 'allowed', allowed)::text,
        HINT = format('If that is intended, run SET LOCAL custodian.allow_rows = ''%s'' in the same transaction first.',
                      greatest(touched, 1)),
        SCHEMA = table_schema,
        TABLE = table_name;
END $$;

-- The bulk guard for UPDATE and DELETE: counts the statement's rows in its transition table.
-- One row never needs confirmation; more need allow_rows of at least that many. Whether there
-- is a second row is asked first, and the rows counted only then: the usual statement touches
-- one row, and fetching past it is cheaper than starting an aggregate (measured: 34k of a
-- single-row write's instructions for the count, 10k for the fetch).
--
-- Unlike Custodian's other trigger functions, this one is not pinned to Custodian's schema
-- (afterMigrate.sql): it fires after every UPDATE and DELETE, and a pinned search path is set
-- and restored at each call (14k instructions of a single-row write, measured). It needs no
-- path: the transition table is found before any schema is searched, and the two functions of
-- the refusal are named with Custodian's schema, so whatever the session's path says, the guard
-- counts against Custodian's own confirmation rule.
CREATE OR REPLACE FUNCTION custodian_guard_bulk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint;
    allowed bigint;
BEGIN
    PERFORM FROM touched_rows OFFSET 1;
    IF FOUND THEN
        SELECT count(*) INTO touched FROM touched_rows;
        allowed := ${flyway:defaultSchema}.custodian_allowed_rows();
        IF touched > allowed THEN
            PERFORM ${flyway:defaultSchema}.custodian_refuse_rows(TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, touched, allowed);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE removes every row without firing any row trigger (no key-loss check, and no history
-- capture), so it always needs confirmation, even of a table with one row or none: allow_rows
-- of at least the number of rows, and at least 1. Runs BEFORE, so nothing is removed when
-- refused; TRUNCATE already holds its exclusive lock here, so the count is exact.
CREATE OR REPLACE FUNCTION custodian_guard_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint;
    allowed bigint := custodian_allowed_rows();
BEGIN
    EXECUTE format('SELECT count(*) FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO touched;
    IF greatest(touched, 1) > allowed THEN
        PERFORM custodian_refuse_rows(TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, touched, allowed);
    END IF;
    RETURN NULL;
END $$;

