-- Gives one user (:deep_user) 10,000 more versions, one single-row UPDATE each, so W5 reads
-- past versions of a user with a long history. Run by psql after seed.sql; every UPDATE goes
-- through the guards and the history trigger like any other write.
DO $$
BEGIN
    FOR i IN 1..10000 LOOP
        UPDATE users SET data = data || jsonb_build_object('visits', i)
         WHERE id = current_setting('bench.deep_user')::bigint;
    END LOOP;
END $$;
