-- One round trip for the common write (PATCH with a merge patch, the phone route): the merge
-- is computed inside the UPDATE, under the row lock, and the request's context rides along in
-- the same statement, visible to the triggers and gone when its implicit transaction ends. It
-- declares the top-level keys of data the patch can change (custodian.changed_keys), so the
-- write trigger judges and records those members alone instead of the whole document, and the
-- paths the patch removes with null (custodian.removing), so the key-loss guard lets exactly
-- those go.
-- Parameters: the merge patch's members, one for each column, null where the patch leaves the
-- column as it is: name and email as text, the patch of data as JSON (so only that is parsed;
-- passed as the whole patch once for each column, it was parsed three times, 8,000
-- instructions each); user id, If-Match version or null (twice); actor, request id,
-- allow_removal ('on' only with If-Match), the paths the patch names for removal (a JSON array
-- of pointers), the top-level keys of the patch's data (a text array, empty when data is not
-- an object). The keys come from the service, which has the patch parsed already: listing
-- them here took a sub-select, planned in every execution (24,000 of a write's 930,000
-- instructions).
--
-- The context is declared in the WHERE clause, after the conditions on the row: a row is
-- written only where every condition held, the declaration included, so the triggers never
-- see a write without it. num_nonnulls(...) >= 0 holds whatever set_config returns, and the
-- planner keeps it, as it keeps every call of a volatile function. Declared in a FROM item
-- instead, it cost a join and a sub-query scan in every execution (20,000 instructions).
UPDATE users
   SET name = coalesce(?::text, users.name),
       email = coalesce(?::text, users.email),
       data = coalesce(custodian_merge_patch(users.data, ?::jsonb), users.data)
 WHERE users.id = ?::bigint AND users.deleted_at IS NULL AND (?::bigint IS NULL OR users.version = ?::bigint)
   AND num_nonnulls(set_config('custodian.actor', ?, true),
                    set_config('custodian.request_id', ?, true),
                    set_config('custodian.allow_removal', ?, true),
                    set_config('custodian.removing', ?, true),
                    set_config('custodian.changed_keys', ?::text[]::text, true)) >= 0
RETURNING users.id::text AS key, users.version, custodian_user_json(users) AS json, false AS deleted
