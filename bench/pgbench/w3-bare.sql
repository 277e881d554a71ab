-- W3 (b): read a random user with a plain SELECT of the row.
\set id random(1, :users)
SELECT id, name, email, data, version, created_at, updated_at FROM bench_bare_users WHERE id = :id;
