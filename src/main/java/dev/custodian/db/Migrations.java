package dev.custodian.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings the schema up to date with the SQL files in {@code db/migration}. */
public final class Migrations {
    private Migrations() {
    }

    public static void run(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
