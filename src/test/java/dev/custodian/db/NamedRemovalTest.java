package dev.custodian.db;

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
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.ServerErrorMessage;

/**
 * custodian.removing: a transaction names, as JSON Pointers, what its writes may remove. The
 * key-loss guard lets a lost path through when it equals a named pointer or lies below one,
 * and refuses the write naming only the paths that were lost without being named.
 */
class NamedRemovalTest {
    private static final String PROFILE = """
            {"phone": "+14155550000", "address": {"street": "2 High St", "city": "Oslo"}, "country": "NO",
             "tags": ["a", "b", "c"], "a/b": 1}""";

    private final DataSource db = TestDatabase.shared();

    @Test
    void aNamedKeyMayBeRemoved() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);

        removing(id, "[\"/data/address\"]", "data - 'address'");

        JsonNode data = TestSql.user(db, id).get("data");
        assertThat(data.has("address")).isFalse();
        assertThat(data.get("country").asText()).isEqualTo("NO");
        assertThat(TestSql.value(db, "SELECT undo::text FROM user_changes WHERE user_id = ? AND version = 2", id))
                .isEqualTo("[{\"op\": \"add\", \"path\": \"/data/address\", \"value\": {\"city\": \"Oslo\", \"street\": \"2 High St\"}}]");
    }

    @Test
    void namingAnObjectAllowsRemovingWhatLiesBelowIt() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);

        removing(id, "[\"/data/address\"]", "data #- '{address,city}'");

        assertThat(TestSql.user(db, id).at("/data/address")).isEqualTo(TestSql.parse("{\"street\": \"2 High St\"}"));
    }

    @Test
    void aLossThatIsNotNamedIsRefusedNamingOnlyWhatWasNotNamed() {
        long id = insertUser(db, "Ann", PROFILE);
        JsonNode before = TestSql.user(db, id);

        ServerErrorMessage error = refusal(() -> removing(id, "[\"/data/address\", \"/data/tags/2\"]",
                "'{\"phone\": \"+14155550000\", \"tags\": [\"a\"]}'"));

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(detailJson(error).get("lost")).isEqualTo(TestSql.parse("[\"/data/a~1b\", \"/data/tags/1\", \"/data/country\"]"));
        assertThat(error.getMessage()).isEqualTo(
                "users row " + id + ": this UPDATE would remove /data/a~1b, /data/tags/1, /data/country");
        assertThat(TestSql.user(db, id)).isEqualTo(before);
    }

    @Test
    void aPointerNamesWholeTokensNotPrefixesOfThem() {
        long id = insertUser(db, "Ann", PROFILE);

        ServerErrorMessage error = refusal(() -> removing(id, "[\"/data/add\", \"/data/tags/\"]", "'{}'"));

        assertThat(detailJson(error).get("lost")).isEqualTo(
                TestSql.parse("[\"/data/a~1b\", \"/data/tags\", \"/data/phone\", \"/data/address\", \"/data/country\"]"));
    }

    @Test
    void escapedKeysAndArrayElementsAreNamedAsJsonPointersWriteThem() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);

        removing(id, "[\"/data/a~1b\", \"/data/tags/1\", \"/data/tags/2\"]",
                "jsonb_set(data - 'a/b', '{tags}', '[\"a\"]')");

        JsonNode data = TestSql.user(db, id).get("data");
        assertThat(data.has("a/b")).isFalse();
        assertThat(data.get("tags")).isEqualTo(TestSql.parse("[\"a\"]"));
    }

    @Test
    void theEmptyPointerNamesTheWholeDocument() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);

        removing(id, "[\"\"]", "'{}'");

        assertThat(TestSql.user(db, id).get("data")).isEqualTo(TestSql.parse("{}"));
    }

    @Test
    void allowRemovalStillAllowsEverything() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);

        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_removal = 'on'");
            run(connection, "SET LOCAL custodian.removing = '[\"/data/phone\"]'");
            run(connection, "UPDATE users SET data = '{}' WHERE id = ?", id);
        });

        assertThat(TestSql.user(db, id).get("data")).isEqualTo(TestSql.parse("{}"));
    }

    @Test
    void namingRemovalEndsWithItsTransaction() throws SQLException {
        long id = insertUser(db, "Ann", PROFILE);
        removing(id, "[\"/data/phone\"]", "data - 'phone'");

        ServerErrorMessage error = refusal(db, "UPDATE users SET data = data - 'country' WHERE id = ?", id);

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(TestSql.user(db, id).at("/data/country").asText()).isEqualTo("NO");
    }

    @Test
    void aSettingThatIsNotAListOfPointersIsRefusedSayingSo() {
        long id = insertUser(db, "Ann", PROFILE);
        JsonNode before = TestSql.user(db, id);

        for (String value : List.of("/data/address", "{\"path\": \"/data/address\"}", "[\"data/address\"]", "[1]")) {
            ServerErrorMessage error = refusal(() -> removing(id, value, "data - 'address'"));
            assertThat(error.getSQLState()).as(value).isEqualTo("22023");
            assertThat(error.getMessage()).as(value).startsWith(
                    "custodian.removing must be a JSON array of JSON Pointers such as [\"/data/address\"], got ");
        }
        assertThat(TestSql.user(db, id)).isEqualTo(before);
    }

    @Test
    void manyNamedPathsAreCheckedPromptly() throws SQLException {
        long id = insertUser(db, "Long", "{}");
        TestSql.execute(db, "UPDATE users SET data = jsonb_build_object('tags', (SELECT jsonb_agg(i) FROM generate_series(1, 20000) i)) WHERE id = ?", id);
        String named = TestSql.value(db, "SELECT jsonb_agg('/data/tags/' || i)::text FROM generate_series(1, 19999) i").toString();

        // 20,000 lost paths against 19,999 named ones: compared pairwise that is 400 million
        // comparisons; looked up, about a second here (measured), so 30 s is generous.
        ServerErrorMessage error = assertTimeout(Duration.ofSeconds(30),
                () -> refusal(() -> removing(id, named, "'{\"tags\": []}'")));

        assertThat(detailJson(error).get("lost")).isEqualTo(TestSql.parse("[\"/data/tags/0\"]"));
    }

    /** One UPDATE of users row id, setting data to newData, in a transaction that named what it removes. */
    private void removing(long id, String removing, String newData) throws SQLException {
        transaction(db, connection -> {
            run(connection, "SELECT set_config('custodian.removing', ?, true)", removing);
            run(connection, "UPDATE users SET data = " + newData + " WHERE id = ?", id);
        });
    }
}
