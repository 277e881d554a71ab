-- The classic application's own write of its users table, as Sequelize's save() sends it after
-- a read-modify-write of data.phone: the whole json column with one key changed, and updatedAt.
-- Run on the table as it is, then adopted (bench/adopt-run).
\set id random(1, :users)
\set phone random(1000, 9999)
UPDATE users
   SET data = (data::jsonb || jsonb_build_object('phone', '+1415555' || :phone))::json,
       "updatedAt" = now()
 WHERE id = :id;
