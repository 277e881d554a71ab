-- One round trip for the common write (PATCH with a merge patch, the phone route): the merge
-- is computed inside the UPDATE, under the row lock, and the request's context rides along in
-- the same statement, visible to the triggers and gone when its implicit transaction ends.
-- Parameters: the merge patch of the user's state ({"name"?, "email"?, "data"?}), actor,
-- request id, allow_removal ('on' only with If-Match), the paths the patch names for removal
-- (a JSON array of pointers), user id, If-Match version or null (twice).
UPDATE users AS t
   SET name = coalesce(context.patch ->> 'name', t.name),
       email = coalesce(context.patch ->> 'email', t.email),
       data = coalesce(custodian_merge_patch(t.data, context.patch -> 'data'), t.data)
  FROM (SELECT ?::jsonb AS patch,
               set_config('custodian.actor', ?, true),
               set_config('custodian.request_id', ?, true),
               set_config('custodian.allow_removal', ?, true),
               set_config('custodian.removing', ?, true)) AS context
 WHERE t.id = ?::bigint AND t.deleted_at IS NULL AND (?::bigint IS NULL OR t.version = ?::bigint)
RETURNING t.id::text AS key, t.version, custodian_user_json(t) AS json, false AS deleted
