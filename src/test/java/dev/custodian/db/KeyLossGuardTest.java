package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.detailJson;
import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static dev.custodian.db.ForeignClient.run;
import static dev.custodian.db.ForeignClient.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.ServerErrorMessage;

/**
 * The key-loss guard, seen from a client that is not the service: plain JDBC statements on the
 * users table, and the table as it is afterwards. Each test works on its own user.
 */
class KeyLossGuardTest {
    private static final String INCIDENT_DATA = """
            {"phone": "+14155550000", "address": "2 High St", "country": "US", "postalCode": "94103"}""";
    private static final String ORM_SAVE = "UPDATE users SET data = '{\"phone\":\"+14155550123\"}' WHERE id = ?";
    private static final String ALLOW_REMOVAL = "SET LOCAL custodian.allow_removal = 'on'";

    private final DataSource db = TestDatabase.shared();

    @Test
    void ormSaveThatReplacesTheWholeDocumentIsRefusedAndChangesNothing() {
        long id = insertUser(db, "Bob", INCIDENT_DATA);
        JsonNode before = TestSql.user(db, id);

        ServerErrorMessage error = refusal(db, ORM_SAVE, id);

        assertThat(error.getSQLState()).isEqualTo(DatabaseErrors.KEY_LOSS).isEqualTo("CU001");
        assertThat(error.getMessage()).isEqualTo(
                "users row " + id + ": this UPDATE would remove /data/address, /data/country, /data/postalCode");
        assertThat(error.getHint()).isEqualTo(
                "If the removal is intended, run SET LOCAL custodian.allow_removal = 'on' in the same transaction first.");
        assertThat(error.getTable()).isEqualTo("users");
        assertThat(TestSql.user(db, id)).isEqualTo(before);
    }

    @Test
    void refusalDetailIsJsonNamingTableUserAndLostPaths() {
        long id = insertUser(db, "Bob", INCIDENT_DATA);

        JsonNode detail = detailJson(refusal(db, ORM_SAVE, id));

        assertThat(detail).isEqualTo(TestSql.parse("""
                {"table": "users", "userId": %d, "lost": ["/data/address", "/data/country", "/data/postalCode"], "more": 0}
                """.formatted(id)));
    }

    @Test
    void ormSaveIsAppliedWhenTheTransactionAllowsRemoval() throws SQLException {
        long id = insertUser(db, "Bob", INCIDENT_DATA);

        transaction(db, connection -> {
            run(connection, ALLOW_REMOVAL);
            assertThat(run(connection, ORM_SAVE, id)).isEqualTo(1);
        });

        JsonNode after = TestSql.user(db, id);
        assertThat(after.get("data")).isEqualTo(TestSql.parse("{\"phone\": \"+14155550123\"}"));
        assertThat(after.get("version").asLong()).isEqualTo(2);
    }

    @Test
    void allowingRemovalEndsWithItsTransaction() throws SQLException {
        long id = insertUser(db, "Bob", INCIDENT_DATA);
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            run(connection, ALLOW_REMOVAL);
            run(connection, "UPDATE users SET data = data - 'postalCode' WHERE id = ?", id);
            connection.commit();
            connection.setAutoCommit(true);

            ServerErrorMessage error = refusal(() -> run(connection, "UPDATE users SET data = data - 'country' WHERE id = ?", id));

            assertThat(error.getSQLState()).isEqualTo("CU001");
        }
        assertThat(TestSql.user(db, id).at("/data/country").asText()).isEqualTo("US");
    }

    @Test
    void onlyExactlyOnAllowsRemoval() throws SQLException {
        long id = insertUser(db, "Bob", INCIDENT_DATA);

        for (String value : List.of("off", "", "true", "yes", "1", "on ")) {
            ServerErrorMessage error = refusal(() -> transaction(db, connection -> {
                run(connection, "SELECT set_config('custodian.allow_removal', ?, true)", value);
                run(connection, ORM_SAVE, id);
            }));
            assertThat(error.getSQLState()).as("allow_removal = '%s'", value).isEqualTo("CU001");
        }
        assertThat(TestSql.user(db, id).get("data")).isEqualTo(TestSql.parse(INCIDENT_DATA));
    }

    @Test
    void updatesThatKeepEveryKeyNeedNoConfirmation() throws SQLException {
        long id = insertUser(db, "Ann", """
                {"phone": "+14155550000", "address": {"city": "Oslo"}, "tags": ["a"]}""");

        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{phone}', '\"+14155550123\"') WHERE id = ?", id);
        autocommit(db, "UPDATE users SET data = data || '{\"country\": \"NO\"}' WHERE id = ?", id);
        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{address,city}', '\"Bergen\"') WHERE id = ?", id);
        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{address,zip}', '\"5003\"') WHERE id = ?", id);
        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{tags}', data->'tags' || '[\"b\"]') WHERE id = ?", id);
        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{tags,0}', '\"z\"') WHERE id = ?", id);

        JsonNode after = TestSql.user(db, id);
        assertThat(after.get("data")).isEqualTo(TestSql.parse("""
                {"phone": "+14155550123", "country": "NO", "address": {"city": "Bergen", "zip": "5003"},
                 "tags": ["z", "b"]}"""));
        assertThat(after.get("version").asLong()).isEqualTo(7);
    }

    @Test
    void removingATopLevelKeyIsRefused() {
        assertRefusedNaming("data - 'address'", "/data/address");
    }

    @Test
    void removingANestedKeyIsRefused() {
        assertRefusedNaming("data #- '{address,city}'", "/data/address/city");
    }

    @Test
    void replacingAnObjectWithAStringIsRefused() {
        assertRefusedNaming("jsonb_set(data, '{address}', '\"12 Rue X\"')", "/data/address/city", "/data/address/street");
    }

    @Test
    void shorteningAnArrayIsRefused() {
        assertRefusedNaming("jsonb_set(data, '{tags}', '[\"a\"]')", "/data/tags/1", "/data/tags/2");
    }

    @Test
    void replacingAnArrayWithAnObjectIsRefused() {
        assertRefusedNaming("jsonb_set(data, '{tags}', '{\"a\": true}')", "/data/tags/0", "/data/tags/1", "/data/tags/2");
    }

    @Test
    void removingAKeyInsideAnArrayElementIsRefused() {
        assertRefusedNaming("jsonb_set(data, '{contacts,0}', '{\"type\": \"home\"}')", "/data/contacts/0/number");
    }

    @Test
    void replacingTheDataWithAnEmptyObjectNamesOnlyTheOutermostKeys() {
        assertRefusedNaming("'{}'", "/data/tags", "/data/address", "/data/contacts");
    }

    @Test
    void emptyObjectsAndArraysHoldNothingToLose() throws SQLException {
        long id = insertUser(db, "Ann", "{\"address\": {}, \"tags\": [], \"note\": \"x\"}");

        autocommit(db, "UPDATE users SET data = '{\"address\": \"12 Rue X\", \"tags\": \"none\", \"note\": null}' WHERE id = ?", id);

        assertThat(TestSql.user(db, id).at("/data/address").asText()).isEqualTo("12 Rue X");
    }

    @Test
    void keysWithSlashOrTildeAreEscapedInThePaths() {
        long id = insertUser(db, "Ann", "{\"a/b\": 1, \"m~n\": {\"x\": 1}, \"kept\": 1}");

        JsonNode detail = detailJson(refusal(db, "UPDATE users SET data = '{\"kept\": 2}' WHERE id = ?", id));

        assertThat(textValues(detail.get("lost"))).containsExactly("/data/a~1b", "/data/m~0n");
    }

    @Test
    void moreThanTwentyLostKeysAreListedTwentyThenCounted() {
        String data = IntStream.range(0, 25).mapToObj(i -> "\"k%02d\": %d".formatted(i, i))
                .collect(Collectors.joining(", ", "{", "}"));
        long id = insertUser(db, "Many", data);

        ServerErrorMessage error = refusal(db, "UPDATE users SET data = '{}' WHERE id = ?", id);

        List<String> first20 = IntStream.range(0, 20).mapToObj(i -> "/data/k%02d".formatted(i)).toList();
        assertThat(error.getMessage()).isEqualTo("users row " + id + ": this UPDATE would remove "
                + String.join(", ", first20) + " and 5 more");
        JsonNode detail = detailJson(error);
        assertThat(textValues(detail.get("lost"))).isEqualTo(first20);
        assertThat(detail.get("more").asInt()).isEqualTo(5);
    }

    @Test
    void emptyingALongArrayIsRefusedPromptlyWithEveryLostElementCounted() {
        long id = insertUser(db, "Long", "{}");
        TestSql.execute(db, """
                UPDATE users SET data = jsonb_build_object('tags', (SELECT jsonb_agg(i) FROM generate_series(1, 20000) i),
                                                           'visits', (SELECT jsonb_agg(jsonb_build_object('at', i))
                                                                        FROM generate_series(1, 5000) i))
                 WHERE id = ?""", id);

        // Collecting the paths must stay linear: quadratic appends took minutes for this many.
        ServerErrorMessage error = assertTimeout(Duration.ofSeconds(20), () -> refusal(db, """
                UPDATE users SET data = jsonb_build_object('tags', '[]'::jsonb,
                                                           'visits', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 5000)))
                 WHERE id = ?""", id));

        JsonNode detail = detailJson(error);
        assertThat(detail.get("lost")).hasSize(20);
        assertThat(detail.get("lost").get(0).asText()).isEqualTo("/data/tags/0");
        assertThat(detail.get("more").asInt()).isEqualTo(25_000 - 20);
    }

    @Test
    void changingOnlyNameOrEmailNeverLooksAtTheData() throws SQLException {
        long id = insertUser(db, "Bob", INCIDENT_DATA);

        autocommit(db, "UPDATE users SET name = 'Robert' WHERE id = ?", id);
        autocommit(db, "UPDATE users SET email = ? WHERE id = ?", "robert." + id + "@example.com", id);

        assertThat(TestSql.user(db, id).get("name").asText()).isEqualTo("Robert");
    }

    @Test
    void lostPathsFunctionShowsWhatAnUpdateWouldRemoveBeforeRunningIt() {
        long id = insertUser(db, "Bob", INCIDENT_DATA);

        Object paths = TestSql.value(db, "SELECT custodian_lost_paths(data, '{\"phone\": \"+14155550123\"}')::text"
                + " FROM users WHERE id = ?", id);

        assertThat(paths).isEqualTo("{/data/address,/data/country,/data/postalCode}");
    }

    @Test
    void lostPathsFunctionOnASample() {
        Object paths = TestSql.value(db, """
                SELECT custodian_lost_paths(
                    '{"a": 1, "b": {"c": 1, "d": [1, 2, 3]}, "e": {"f": 1}, "g": [{"h": 1}]}',
                    '{"a": 2, "b": {"c": 1, "d": [1]}, "e": 5, "g": [{}], "new": true}')::text""");

        assertThat(paths).isEqualTo("{/data/b/d/1,/data/b/d/2,/data/e/f,/data/g/0/h}");
        assertThat(TestSql.value(db, "SELECT custodian_lost_paths('{\"a\": {\"b\": 1}}', '{}', '')::text"))
                .isEqualTo("{/a}");
        assertThat(TestSql.value(db, "SELECT custodian_lost_paths('{\"a\": 1}', '{\"a\": [1], \"b\": 2}')::text"))
                .isEqualTo("{}");
    }

    private void assertRefusedNaming(String newData, String... lost) {
        long id = insertUser(db, "Ann", """
                {"address": {"street": "12 Rue X", "city": "Paris"}, "tags": ["a", "b", "c"],
                 "contacts": [{"type": "home", "number": "+33100000000"}]}""");
        JsonNode before = TestSql.user(db, id);

        ServerErrorMessage error = refusal(db, "UPDATE users SET data = " + newData + " WHERE id = ?", id);

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(textValues(detailJson(error).get("lost"))).containsExactly(lost);
        assertThat(error.getMessage()).contains(lost);
        assertThat(TestSql.user(db, id)).isEqualTo(before);
    }

    private static List<String> textValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
