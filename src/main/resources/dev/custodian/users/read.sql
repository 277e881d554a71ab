-- A user as the API shows it, built by the database so the service sends the text as is.
-- Parameter: user id.
SELECT u.id, u.version, custodian_user_json(u) AS json
  FROM users u
 WHERE u.id = ? AND u.deleted_at IS NULL
