package dev.custodian.console;

import dev.custodian.testing.TestSql;
import javax.sql.DataSource;

/** Writes as someone in psql makes them, around the service: recorded in history as source sql. */
final class RawSql {
    private RawSql() {
    }

    /**
     * The incident's write: replaces all of {@code data}, declaring the removal in the statement
     * itself (the key-loss guard refuses it otherwise), as a careless script would.
     */
    static void replaceData(DataSource dataSource, long id, String json) {
        int updated = TestSql.execute(dataSource, """
                UPDATE users SET data = ?::jsonb
                  FROM (SELECT set_config('custodian.allow_removal', 'on', true)) AS declared
                 WHERE id = ?""", json, id);
        if (updated != 1) {
            throw new IllegalStateException("user " + id + " was not updated");
        }
    }

    /** The database role these writes are recorded under: history's actor is sql:<role>. */
    static String actor(DataSource dataSource) {
        return "sql:" + TestSql.value(dataSource, "SELECT current_user");
    }
}
