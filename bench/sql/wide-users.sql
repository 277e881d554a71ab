-- Seeds :wide_users users after the first :users, each with 10,000 keys in data (about 190 KB:
-- nine of ten keys a short string, every tenth an object with an array), so W6 changes one key
-- of a wide document. Run by psql after seed.sql and before bare-tables.sql, which copies them.
INSERT INTO users (id, name, email, data) OVERRIDING SYSTEM VALUE
SELECT :users + w, 'Wide ' || w, 'wide' || w || '@example.com', wide.data
  FROM generate_series(1, :wide_users) AS w,
       LATERAL (SELECT jsonb_object_agg('k' || lpad(k::text, 5, '0'),
                                        CASE WHEN k % 10 = 0 THEN jsonb_build_object('n', k + w, 'tags', jsonb_build_array('a', 'b'))
                                             ELSE to_jsonb('value ' || (k + w)) END) AS data
                  FROM generate_series(1, 10000) AS k) AS wide
 ORDER BY w;
SELECT setval(pg_get_serial_sequence('users', 'id'), :users + :wide_users);
VACUUM ANALYZE users;
