package dev.custodian.db;

import dev.custodian.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with the SQL files in {@code db/migration}, then makes sure the
 * DDL guard stands, or says at start, in one WARN line, why it cannot; and the same, in a line
 * of its own, when the role may not be a member of the service role.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /**
     * The migrations change Custodian's schema on purpose, so their connection declares it to
     * the DDL guard for its whole session. Flyway opens connections of its own for them, closed
     * when it is done: a pooled connection would keep the declaration for later requests.
     */
    private static final String DECLARE_DDL = "SET custodian.allow_ddl = 'on'";
    private static final String DDL_GUARD_INSTALLER = "ddlGuardInstaller";

    private Migrations() {
    }

    /** A migration this version of Custodian ships: a versioned one, or a repeatable one (no version). */
    record Expected(String version, String description, String script) {
        /** How Flyway's history names it: by version, or by description when repeatable. */
        static String key(String version, String description) {
            return version != null ? version : description;
        }

        String key() {
            return key(version, description);
        }
    }

    /** Migrates the database at {@code url} on connections of its own, then installs or reports the DDL guard. */
    public static void run(DatabaseUrl url) {
        DataSource own = Flyway.configure()
                .dataSource(CustodianSchema.jdbcUrl(url), url.user().orElse(null), url.password().orElse(null))
                .getDataSource();
        SchemaMove.run(own);
        configure(own).initSql(DECLARE_DDL).load().migrate();
        try (Connection connection = own.getConnection()) {
            String unprotected = SchemaInspection.installDdlGuard(connection).explanation();
            if (unprotected != null) {
                log.warn(unprotected);
            }
            String unproven = SchemaInspection.serviceRole(connection).explanation();
            if (unproven != null) {
                log.warn(unproven);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not install the DDL guard: " + e.getMessage(), e);
        }
    }

    /** The migrations on the class path; reads Flyway's history through {@code dataSource}, changes nothing. */
    static List<Expected> expected(DataSource dataSource) {
        MigrationInfo[] all = configure(dataSource).load().info().all();
        return Arrays.stream(all)
                .filter(info -> info.getState().isResolved())
                .map(info -> new Expected(info.getVersion() == null ? null : info.getVersion().getVersion(),
                        info.getDescription(), info.getScript()))
                .distinct()
                .toList();
    }

    /**
     * Flyway over {@code dataSource}, in Custodian's own schema: its history table lives there
     * and its connections resolve names there first, so the migrations, written without a
     * schema, create everything in it. The schema exists before Flyway runs ({@link SchemaMove}),
     * so Flyway records no schema creation of its own. R__ddl_guard.sql installs the DDL guard only when a
     * superuser runs it; the placeholder naming which kind of role runs the migrations makes
     * Flyway run that file again when it changes, so that a superuser's first run installs it.
     */
    private static FluentConfiguration configure(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .schemas(CustodianSchema.NAME)
                .placeholders(Map.of(DDL_GUARD_INSTALLER, installer(dataSource)));
    }

    private static String installer(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return SchemaInspection.ddlGuard(connection).installable() ? "a superuser" : "a role that is not a superuser";
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to the database to migrate it: " + e.getMessage(), e);
        }
    }
}
