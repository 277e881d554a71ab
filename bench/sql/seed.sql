-- Seeds :users users with realistic profiles (about 300 bytes of data each) into a freshly
-- migrated database. Run with psql -v users=N -v classic=true|false: Custodian's users table
-- (created by its migrations) or the classic service's (created by Sequelize, RESET=1).
-- Ids are 1..N in both, so the workloads can pick a random id without looking.

CREATE TEMP TABLE seed AS
SELECT i AS id,
       first || ' ' || last AS name,
       lower(first || '.' || last || i) || '@example.com' AS email,
       jsonb_build_object(
           'phone', '+1415555' || (1000 + i % 9000),
           'address', (1 + i % 980) || ' ' || street,
           'city', city,
           'country', country,
           'postalCode', lpad((i * 7919 % 100000)::text, 5, '0'),
           'birthDate', (date '1950-01-01' + (i * 37 % 20000))::text,
           'language', lang,
           'newsletter', i % 3 = 0,
           'company', company,
           'tags', jsonb_build_array('customer', CASE WHEN i % 7 = 0 THEN 'vip' ELSE 'standard' END),
           'preferences', jsonb_build_object('theme', CASE WHEN i % 2 = 0 THEN 'dark' ELSE 'light' END,
                                             'notifications', jsonb_build_array('email', 'sms'))) AS data
  FROM generate_series(1, :users) AS i,
       LATERAL (SELECT (ARRAY['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi'])[1 + i % 8] AS first,
                       (ARRAY['Smith', 'Jones', 'Garcia', 'Müller', 'Dubois', 'Tanaka', 'Okafor'])[1 + i % 7] AS last,
                       (ARRAY['Market Street', 'High Street', 'Hauptstraße', 'Rue de Rivoli', 'Main Street'])[1 + i % 5] AS street,
                       (ARRAY['San Francisco', 'London', 'Berlin', 'Paris', 'Toronto', 'Lagos'])[1 + i % 6] AS city,
                       (ARRAY['US', 'GB', 'DE', 'FR', 'CA', 'NG'])[1 + i % 6] AS country,
                       (ARRAY['en-US', 'en-GB', 'de-DE', 'fr-FR', 'en-CA', 'en-NG'])[1 + i % 6] AS lang,
                       (ARRAY['Acme Corporation', 'Globex Inc.', 'Initech', 'Umbrella Ltd', 'Hooli'])[1 + i % 5] AS company) AS pick;

\if :classic
INSERT INTO users (id, name, email, data, "createdAt", "updatedAt")
SELECT id, name, email, data::json, now(), now() FROM seed ORDER BY id;
\else
INSERT INTO users (id, name, email, data) OVERRIDING SYSTEM VALUE
SELECT id, name, email, data FROM seed ORDER BY id;
\endif
SELECT setval(pg_get_serial_sequence('users', 'id'), :users);
VACUUM ANALYZE users;
