-- Functions of the users table that every reader and writer shares: the API representation
-- of a user, and the version kept by the database. Repeatable: Flyway runs this file again
-- whenever it changes, after every versioned migration, so each statement replaces in place.

-- RFC 3339 UTC timestamps with microseconds, the form every response uses. STABLE, as to_char
-- is (it reads settings): declared IMMUTABLE it could not be inlined into custodian_user_json and
-- ran as a separate function call twice per read.
CREATE OR REPLACE FUNCTION custodian_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The API representation of a user, built where the data lives so reads return stored
-- JSON text without parsing it in the service.
CREATE OR REPLACE FUNCTION custodian_user_json(u users) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'id', u.id, 'name', u.name, 'email', u.email, 'data', u.data, 'version', u.version,
        'createdAt', custodian_time(u.created_at), 'updatedAt', custodian_time(u.updated_at))::text
$$;

-- version and updated_at are kept by the database, whoever writes: raw SQL moves them too.
-- A statement that changes nothing keeps the version, so "version" counts real changes.
-- On INSERT, an id that already has history
-- (a hard-deleted user coming back) continues its numbering, so a user's version never goes
-- backwards and user_changes never sees a version twice. The lookup is one probe of the
-- primary key of user_changes, and only on INSERT.
CREATE OR REPLACE FUNCTION custodian_keep_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_recorded bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT max(c.version) INTO last_recorded FROM user_changes AS c WHERE c.user_id = NEW.id;
        NEW.version := coalesce(last_recorded + 1, NEW.version, 1);
        NEW.created_at := coalesce(NEW.created_at, now());
        NEW.updated_at := CASE WHEN last_recorded IS NULL THEN NEW.created_at ELSE now() END;
        RETURN NEW;
    END IF;
    NEW.id := OLD.id;
    NEW.created_at := OLD.created_at;
    IF (NEW.name, NEW.email, NEW.data, NEW.deleted_at)
           IS NOT DISTINCT FROM (OLD.name, OLD.email, OLD.data, OLD.deleted_at) THEN
        NEW.version := OLD.version;
        NEW.updated_at := OLD.updated_at;
    ELSE
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

-- Trigger names carry a number: PostgreSQL fires triggers of one kind in name order.
CREATE OR REPLACE TRIGGER users_10_keep_version
    BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION custodian_keep_version();
