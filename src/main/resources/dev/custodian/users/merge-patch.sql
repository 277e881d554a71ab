-- One round trip for the common write (PATCH with a merge patch, the phone route): the merge
-- is computed inside the UPDATE, under the row lock, and the request's context rides along in
-- the same statement, visible to the triggers and gone when its implicit transaction ends.
-- Parameters: name or null, email or null, data merge patch or null, actor, request id,
-- allow_removal ('on' only with If-Match), user id, If-Match version or null (twice).
UPDATE users
   SET name = coalesce(?, name),
       email = coalesce(?, email),
       data = coalesce(custodian_merge_patch(data, ?::jsonb), data)
  FROM (SELECT set_config('custodian.actor', ?, true),
               set_config('custodian.request_id', ?, true),
               set_config('custodian.allow_removal', ?, true)) AS context
 WHERE id = ? AND deleted_at IS NULL AND (?::bigint IS NULL OR version = ?::bigint)
RETURNING users.id, users.version, custodian_user_json(users) AS json
