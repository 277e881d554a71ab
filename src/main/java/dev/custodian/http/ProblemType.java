package dev.custodian.http;

/**
 * Every kind of error a client can see, with its HTTP status and its {@code /problems/<slug>}
 * type URI (RFC 9457 section 3.1.1). The description is served at that URI.
 */
public enum ProblemType {
    MALFORMED_JSON(400, "Malformed JSON",
            "The body is not valid JSON, nests deeper than 64 levels, repeats a key within one object, has a number"
                    + " of more than 1000 digits, or holds text that is not Unicode (a lone surrogate such as \\ud800"
                    + " without its pair). 'errors' names the string or key refused, or the object or array in which"
                    + " parsing stopped."),
    BAD_REQUEST(400, "Bad request",
            "The server refused the HTTP request before reading it: a URI it cannot decode (an encoded NUL such as"
                    + " %00, a broken escape such as %zz), illegal characters, malformed headers, a URI (414) or"
                    + " headers (431) that are too long, an unsupported Expect (417) or HTTP version (505). The"
                    + " status says which. It is also the answer to a header that breaks its own syntax (If-Match is"
                    + " \"*\" or one entity tag in quotes, such as \"4\"), and to any other request the HTTP framework"
                    + " refused with a 4xx status of its own, which 'status' keeps. Nothing was read or changed."),
    MALFORMED_PATCH(400, "Malformed patch",
            "The JSON Patch (RFC 6902) is not an array of well-formed operations."),
    UNAUTHORIZED(401, "Unauthorized",
            "The request needs an 'Authorization: Bearer <token>' header with a valid token."),
    FORBIDDEN(403, "Forbidden",
            "The token is valid but its role is too low for this request (read < write < admin)."),
    NOT_FOUND(404, "Not found",
            "No resource at this address, or the user does not exist (or did not exist at that time)."),
    METHOD_NOT_ALLOWED(405, "Method not allowed",
            "The resource exists but does not support this HTTP method."),
    CONFLICT(409, "Conflict",
            "The request conflicts with current data, for example an email address another user has."),
    TEST_FAILED(409, "Test failed",
            "A 'test' operation of the JSON Patch did not match; nothing was changed."),
    REVERT_CONFLICT(409, "Revert conflict",
            "A later change touched the same paths as the change to undo; nothing was changed."),
    DATA_LOSS_REFUSED(409, "Data loss refused",
            "The write would drop data it does not name. Remove keys explicitly (null in a merge patch,"
                    + " 'remove' in a JSON Patch), or send If-Match with the current version to show you"
                    + " have seen what you overwrite."),
    ERASED(410, "Erased",
            "The user was erased (POST /admin/users/{id}/erase): its values are gone from the row and from its"
                    + " history, and nothing brings them back: no revert, rollback or restore. The erasure register"
                    + " keeps when, by whom and why; 'erasedAt' says when."),
    HISTORY_COMPACTED(410, "History compacted",
            "The version or time asked for lies before the user's history boundary: history older than the"
                    + " retention window (CUSTODIAN_HISTORY_KEEP) was compacted into a snapshot at the boundary."
                    + " 'boundary' names the oldest version still kept and its time; that version and every later"
                    + " one can still be read, reverted to and undone."),
    PRECONDITION_FAILED(412, "Precondition failed",
            "If-Match does not match the current version (someone else changed the resource: read it again),"
                    + " is a weak tag (W/\"4\"), which never matches, or is * while the resource does not exist."),
    PAYLOAD_TOO_LARGE(413, "Payload too large",
            "The body is larger than the server accepts (CUSTODIAN_MAX_BODY)."),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type",
            "The Content-Type is not one this request accepts."),
    VALIDATION(422, "Validation failed",
            "The request is well-formed but some values (in the body, the query or a header) are invalid, or"
                    + " cannot be stored exactly as sent (U+0000 in text, a number beyond PostgreSQL's numeric);"
                    + " see 'errors', each with the path of the value and what is expected."),
    BACKUP_INVALID(422, "Backup invalid",
            "The backup file is missing, truncated, corrupted, or of a format this version cannot read."),
    PRECONDITION_REQUIRED(428, "Precondition required",
            "This request replaces data and needs If-Match with the current version (the ETag)."),
    INTERNAL(500, "Internal error",
            "The server failed unexpectedly. The log has the details under the request id."),
    UNAVAILABLE(503, "Service unavailable",
            "The database cannot be reached right now, or did not finish within the statement timeout (nothing"
                    + " was changed). Retry after the number of seconds in Retry-After."),
    SCHEMA_DAMAGED(503, "Schema damaged",
            "The database schema Custodian relies on is damaged: a table, column, trigger or migration is"
                    + " missing or changed ('problems' names each). Writes are refused, so that nothing is"
                    + " stored without its guards and history, until an operator repairs the schema;"
                    + " GET /health/ready reports the same. Reads that the damage does not reach keep working.");

    private final int status;
    private final String title;
    private final String description;

    ProblemType(int status, String title, String description) {
        this.status = status;
        this.title = title;
        this.description = description;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String uri() {
        return "/problems/" + slug();
    }
}
