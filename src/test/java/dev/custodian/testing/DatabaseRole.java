package dev.custodian.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A login role of its own for one test, as another application or a person in psql has: not a
 * superuser, no membership, no rights until the test grants them. Roles belong to the whole
 * cluster, so the name is unique; closing drops what the role was granted in the test's
 * database, then the role. Not thread-safe; one per test.
 */
public final class DatabaseRole implements AutoCloseable {
    private final DataSource administrator;
    private final String name;
    private final String password = UUID.randomUUID().toString();

    private DatabaseRole(DataSource administrator, String name) {
        this.administrator = administrator;
        this.name = name;
    }

    /** Creates {@code <prefix>_<random>} LOGIN through {@code administrator}, a superuser's pool on the test's database. */
    public static DatabaseRole create(DataSource administrator, String prefix) {
        var role = new DatabaseRole(administrator, prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        TestSql.execute(administrator, "CREATE ROLE " + role.name + " LOGIN NOSUPERUSER PASSWORD '" + role.password + "'");
        return role;
    }

    public String name() {
        return name;
    }

    /** Connections to the administrator's database that log in as this role: JDBC standing for psql. */
    public DataSource login() {
        var dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestDatabase.withoutCredentials(TestDatabase.urlOf(administrator).jdbcUrl()));
        dataSource.setUser(name);
        dataSource.setPassword(password);
        return dataSource;
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = administrator.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP OWNED BY " + name);
            statement.execute("DROP ROLE " + name);
        }
    }
}
