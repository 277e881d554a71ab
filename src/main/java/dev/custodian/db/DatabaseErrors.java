package dev.custodian.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLSTATE codes to {@link DatabaseException}s, in one place and by code, never by message
 * text. PostgreSQL's codes: https://www.postgresql.org/docs/current/errcodes-appendix.html; the
 * guards' own codes are documented in docs/guards.md.
 */
public final class DatabaseErrors {
    /** Raised by the key-loss guard: an UPDATE would remove keys from data. */
    public static final String KEY_LOSS = "CU001";
    /** Raised by the bulk guard: one statement touches more rows than the transaction confirmed. */
    public static final String BULK = "CU002";
    /** Raised by the DDL guard: a command would drop or change one of Custodian's tables or functions. */
    public static final String DDL_REFUSED = "CU003";
    /** Raised by the erasure guard: an erased row inserted again, history rewritten, the register changed. */
    public static final String ERASURE_GUARD = "CU004";

    private static final Logger log = LoggerFactory.getLogger(DatabaseErrors.class);
    private static final ObjectMapper DETAIL_READER = new ObjectMapper();
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String CHECK_VIOLATION = "23514";
    /** U+0000 in a text parameter (invalid byte sequence) or in jsonb text; request bodies are checked before. */
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    private static final String UNTRANSLATABLE_CHARACTER = "22P05";
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final String DEADLOCK_DETECTED = "40P01";
    private static final String CONNECTION_CLASS = "08";
    private static final String ADMIN_SHUTDOWN = "57P01";
    private static final String CANNOT_CONNECT_NOW = "57P03";
    private static final String TOO_MANY_CONNECTIONS = "53300";
    /** Role unknown, no pg_hba.conf rule for this client (PostgreSQL names the role only when trusting). */
    private static final String INVALID_AUTHORIZATION = "28000";
    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_CATALOG_NAME = "3D000";
    /** PgJDBC's own code when it cannot answer the server's sign-in request (no password given). */
    private static final String CONNECTION_REJECTED = "08004";
    /** A statement cancelled, here by the pool's statement_timeout. */
    private static final String QUERY_CANCELED = "57014";
    /**
     * Failures a statement of the service meets only when the schema is not what the migrations
     * made: a table, column or function gone, a column of another type, or a NOT NULL violation
     * the service's validation makes impossible.
     */
    private static final Set<String> SCHEMA_DAMAGE_SIGNS = Set.of(
            "42P01", // undefined_table
            "42703", // undefined_column
            "42883", // undefined_function
            "42804", // datatype_mismatch
            "23502"); // not_null_violation

    private DatabaseErrors() {
    }

    /** Whether the failure may come from a damaged schema, so that the schema should be checked now. */
    static boolean suggestsSchemaDamage(SQLException e) {
        return e.getSQLState() != null && SCHEMA_DAMAGE_SIGNS.contains(e.getSQLState());
    }

    static boolean isRetryable(SQLException e) {
        return SERIALIZATION_FAILURE.equals(e.getSQLState()) || DEADLOCK_DETECTED.equals(e.getSQLState());
    }

    /** The server cannot be reached, is starting or stopping, or is full: trying again later may work. */
    static boolean isUnavailable(SQLException e) {
        String state = state(e);
        return e instanceof SQLTransientConnectionException || state.startsWith(CONNECTION_CLASS)
                || state.equals(ADMIN_SHUTDOWN) || state.equals(CANNOT_CONNECT_NOW) || state.equals(TOO_MANY_CONNECTIONS);
    }

    /** The server refused the role or its password, or asked for a password none was given for: only a corrected setting helps. */
    static boolean isSignInRefused(SQLException e) {
        return state(e).equals(INVALID_AUTHORIZATION) || state(e).equals(INVALID_PASSWORD)
                || state(e).equals(CONNECTION_REJECTED);
    }

    /** The database named in the URL does not exist on the server. */
    static boolean isUnknownDatabase(SQLException e) {
        return state(e).equals(INVALID_CATALOG_NAME);
    }

    /** What a database failure means; unknown failures become an unchecked exception (a 500). */
    public static RuntimeException translate(SQLException e) {
        String state = state(e);
        if (isUnavailable(e)) {
            log.warn("database unavailable: {}", e.toString());
            return failure(DatabaseException.Reason.UNAVAILABLE, "the database cannot be reached right now; retry shortly", e);
        }
        return switch (state) {
            case QUERY_CANCELED -> {
                log.warn("a statement ran past the statement timeout and was cancelled");
                yield failure(DatabaseException.Reason.TIMED_OUT, "the statement timeout cancelled a statement", e);
            }
            case UNIQUE_VIOLATION -> failure(DatabaseException.Reason.TAKEN, "a unique value is already taken ("
                    + constraint(e) + ")", e);
            case KEY_LOSS -> keyLoss(e);
            case BULK -> {
                log.error("the bulk guard refused a statement of the service itself: {}", e.getMessage());
                yield failure(DatabaseException.Reason.BULK_REFUSED, "more rows than confirmed", e);
            }
            case ERASURE_GUARD -> failure(DatabaseException.Reason.ERASED, "the erasure guard refused the write: "
                    + e.getMessage(), e);
            case DDL_REFUSED -> new IllegalStateException("the DDL guard refused a statement of the service itself: "
                    + e.getMessage(), e);
            case CHECK_VIOLATION -> failure(DatabaseException.Reason.RULE_BROKEN, "a check constraint failed", e);
            case CHARACTER_NOT_IN_REPERTOIRE, UNTRANSLATABLE_CHARACTER ->
                    failure(DatabaseException.Reason.UNSTORABLE_TEXT, "a value holds a character PostgreSQL cannot store", e);
            case SERIALIZATION_FAILURE, DEADLOCK_DETECTED ->
                    failure(DatabaseException.Reason.BUSY, "conflicting writes kept failing", e);
            default -> new IllegalStateException("database error, SQLSTATE " + state, e);
        };
    }

    private static DatabaseException failure(DatabaseException.Reason reason, String message, SQLException e) {
        return new DatabaseException(reason, message, constraint(e), List.of(), e);
    }

    private static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }

    /**
     * The guard's DETAIL is JSON naming the row and the lost paths. The one-statement merge
     * relies on the guard to refuse a patch that replaces an object, so this is an ordinary
     * client error, not a failure of the service.
     */
    private static DatabaseException keyLoss(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        JsonNode detail = server == null || server.getDetail() == null ? null : detail(server.getDetail());
        List<String> lost = new ArrayList<>();
        if (detail != null) {
            detail.path("lost").forEach(path -> lost.add(path.asText()));
        }
        // Counted, not named: the paths are keys of the request and of the stored data.
        log.info("the key-loss guard refused a write to user {}: {} paths would be lost",
                detail == null ? "?" : detail.path("userId").asText("?"), lost.size());
        return new DatabaseException(DatabaseException.Reason.DATA_LOSS_REFUSED, "the key-loss guard refused the write",
                constraint(e), lost, e);
    }

    private static JsonNode detail(String detail) {
        try {
            return DETAIL_READER.readTree(detail);
        } catch (java.io.IOException notJson) {
            return DETAIL_READER.createObjectNode();
        }
    }

    private static String constraint(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getConstraint() != null) {
            return p.getServerErrorMessage().getConstraint();
        }
        return "unknown constraint";
    }
}
