package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.db.AppRoleGrants;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.testing.DatabaseRole;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Only the service may say who made a change: a session whose role is not a member of
 * custodian_service is recorded as source sql and actor sql:<its role>, whatever actor it
 * declares, and the declared one is kept apart as claimedActor, in the database and in the API.
 */
class ProvenActorTest {
    private static final String CLAIM = "SELECT set_config('custodian.actor', 'token:billing', true),"
            + " set_config('custodian.request_id', 'req-claimed', true)";

    private final TestServer server = TestServer.shared();

    @Test
    void aRoleOutsideTheServiceRoleClaimingATokenIsRecordedAsSqlWithTheClaimKeptApart() throws Exception {
        try (DatabaseRole psql = DatabaseRole.create(server.dataSource(), "claimer")) {
            AppRoleGrants.grant(new Transactions(server.dataSource()), WriteContext.of("test", "grant"), psql.name());

            long id = createUpdateAndDeleteClaiming(psql.login());

            JsonNode items = History.ok(server.get("/users/" + id + "/history")).json().get("items");
            assertThat(items).hasSize(3);
            for (JsonNode entry : items) {
                assertThat(entry.get("source").asText()).as(entry.toString()).isEqualTo("sql");
                assertThat(entry.get("actor").asText()).as(entry.toString()).isEqualTo("sql:" + psql.name());
                assertThat(entry.get("claimedActor").asText()).as(entry.toString()).isEqualTo("token:billing");
                assertThat(entry.get("requestId").asText()).isEqualTo("req-claimed");
            }
            assertThat(ops(items)).containsExactly("delete", "update", "create");
            assertThat(TestSql.rows(server.dataSource(), """
                    SELECT actor, source, claimed_actor FROM user_changes WHERE user_id = ? ORDER BY version""", id))
                    .containsOnly(Map.of("actor", "sql:" + psql.name(), "source", "sql", "claimed_actor", "token:billing"));
            JsonNode byClaimedToken = History.ok(server.get("/changes?actor=token:billing&requestId=req-claimed"))
                    .json().get("items");
            assertThat(byClaimedToken).as("nothing is recorded as done by the token it claimed").isEmpty();
            JsonNode bySqlRole = History.ok(server.get("/changes?actor=sql:" + psql.name())).json().get("items");
            assertThat(bySqlRole).hasSize(3);
            assertThat(bySqlRole.get(0).get("claimedActor").asText()).isEqualTo("token:billing");
        }
    }

    @Test
    void aSessionThatClaimsNothingHasNoClaimedActorAndTheServicesOwnWritesHaveNone() throws Exception {
        try (DatabaseRole psql = DatabaseRole.create(server.dataSource(), "quiet")) {
            AppRoleGrants.grant(new Transactions(server.dataSource()), WriteContext.of("test", "grant"), psql.name());
            long id = insert(psql.login());
            History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"NO\"}}"));

            JsonNode items = History.ok(server.get("/users/" + id + "/history")).json().get("items");

            assertThat(items).hasSize(2);
            assertThat(items.get(1).get("actor").asText()).isEqualTo("sql:" + psql.name());
            assertThat(items.get(1).get("claimedActor").isNull()).isTrue();
            assertThat(items.get(0).get("source").asText()).isEqualTo("api");
            assertThat(items.get(0).get("actor").asText()).startsWith("token:writer-");
            assertThat(items.get(0).get("claimedActor").isNull()).isTrue();
        }
    }

    @Test
    void settingARoleOrATemporaryHistoryTableDoesNotLendTheServicesVoice() throws Exception {
        try (DatabaseRole psql = DatabaseRole.create(server.dataSource(), "shadow")) {
            AppRoleGrants.grant(new Transactions(server.dataSource()), WriteContext.of("test", "grant"), psql.name());
            long id = insert(psql.login());
            try (Connection connection = psql.login().getConnection(); Statement statement = connection.createStatement()) {
                assertThat(TestSql.refusalOn(connection, "SET ROLE custodian_service").getSQLState())
                        .as("not a member: may not act as the service role").isEqualTo("42501");
                // A table of the same name in the session's own schema for temporary tables, first
                // in its search path: history must still go to Custodian's table.
                statement.execute("CREATE TEMPORARY TABLE user_changes (user_id bigint, version bigint, at timestamptz,"
                        + " actor text, request_id text, source text, op text, changes jsonb, undo jsonb, snapshot jsonb,"
                        + " claimed_actor text)");
                statement.execute("SET custodian.actor = 'token:billing'");
                statement.execute("UPDATE users SET name = 'Shadowed' WHERE id = " + id);
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_temp.user_changes")) {
                    rows.next();
                    assertThat(rows.getLong(1)).isZero();
                }
            }
            assertThat(TestSql.rows(server.dataSource(), """
                    SELECT version, actor, source, claimed_actor FROM user_changes WHERE user_id = ? ORDER BY version""", id))
                    .extracting(row -> row.get("version") + " " + row.get("actor") + " " + row.get("source") + " "
                            + row.get("claimed_actor"))
                    .containsExactly("1 sql:" + psql.name() + " sql null",
                            "2 sql:" + psql.name() + " sql token:billing");
        }
    }

    /** INSERT, UPDATE and a hard DELETE of one user in one transaction that claims to be token:billing; the user's id. */
    private static long createUpdateAndDeleteClaiming(DataSource login) throws SQLException {
        try (Connection connection = login.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(CLAIM);
            }
            long id = insertOn(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("UPDATE users SET name = 'Claimed Twice' WHERE id = " + id);
                statement.execute("DELETE FROM users WHERE id = " + id);
            }
            connection.commit();
            return id;
        }
    }

    private static long insert(DataSource login) throws SQLException {
        try (Connection connection = login.getConnection()) {
            return insertOn(connection);
        }
    }

    private static long insertOn(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO users (name, email) VALUES ('Claimed', ?) RETURNING id")) {
            insert.setString(1, TestUsers.uniqueEmail());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<String> ops(JsonNode items) {
        List<String> ops = new ArrayList<>();
        items.forEach(item -> ops.add(item.get("op").asText()));
        return ops;
    }
}
