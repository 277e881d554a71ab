package dev.custodian.db;

import static dev.custodian.db.ForeignClient.detailJson;
import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static dev.custodian.db.ForeignClient.run;
import static dev.custodian.db.ForeignClient.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.testing.RandomJson;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.sql.SQLException;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * custodian.changed_keys, the declaration with which a write tells the write trigger which
 * top-level keys of data it changes, so that only those members are judged and diffed. It
 * chooses a shorter way to the same answer: the same refusals and the same history as a write
 * that declares nothing, and a declaration that does not hold hides nothing.
 */
class DeclaredKeysTest {
    private static final String MERGE = "UPDATE users SET data = custodian_merge_patch(data, ?::jsonb) WHERE id = ?";

    private final DataSource db = TestDatabase.shared();

    @Test
    void aDeclarationThatDoesNotHoldCannotHideALoss() {
        long id = insertUser(db, "Bob", "{\"phone\": \"+14155550000\", \"address\": {\"city\": \"Oslo\"}, \"tags\": [1, 2]}");
        JsonNode before = TestSql.user(db, id);

        var error = refusal(() -> transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.changed_keys = '{phone}'");
            run(connection, "UPDATE users SET data = '{\"phone\": \"+14155550123\", \"tags\": [1]}' WHERE id = ?", id);
        }));

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(detailJson(error).get("lost")).isEqualTo(TestSql.parse("[\"/data/tags/1\", \"/data/address\"]"));
        assertThat(TestSql.user(db, id)).isEqualTo(before);
    }

    @Test
    void aDeclarationThatDoesNotHoldStillRecordsTheWholeChange() throws SQLException {
        long id = insertUser(db, "Bob", "{\"phone\": \"+14155550000\", \"country\": \"NO\"}");

        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.changed_keys = '{phone}'");
            run(connection, "UPDATE users SET data = data || '{\"phone\": \"+14155550123\", \"city\": \"Oslo\"}' WHERE id = ?", id);
        });

        assertThat(TestSql.value(db, "SELECT changes::text FROM user_changes WHERE user_id = ? AND version = 2", id))
                .isEqualTo("[{\"op\": \"add\", \"path\": \"/data/city\", \"value\": \"Oslo\"}, "
                        + "{\"op\": \"replace\", \"path\": \"/data/phone\", \"value\": \"+14155550123\"}]");
    }

    @Test
    void declaredAndUndeclaredWritesRefuseAndRecordAlike() throws SQLException {
        Random random = new Random(11);
        for (int i = 0; i < 60; i++) {
            String document = RandomJson.object(random, 3).toString();
            ObjectNode patch = randomPatch(random);
            boolean allowRemoval = random.nextBoolean();
            Outcome declared = write(document, patch, allowRemoval, true);
            Outcome undeclared = write(document, patch, allowRemoval, false);
            assertThat(declared).as("patch %s on %s, allow_removal %s", patch, document, allowRemoval).isEqualTo(undeclared);
        }
    }

    /** What a merge write did: the error's lost paths when refused, else the data and the history entry. */
    private record Outcome(JsonNode lost, JsonNode data, JsonNode changes, JsonNode undo) {
    }

    private Outcome write(String document, ObjectNode patch, boolean allowRemoval, boolean declareKeys) throws SQLException {
        long id = insertUser(db, "Walk", document);
        try {
            transaction(db, connection -> {
                run(connection, "SELECT set_config('custodian.allow_removal', ?, true)", allowRemoval ? "on" : "off");
                if (declareKeys) {
                    // As the service's merge declares them: the patch's keys in the order jsonb keeps them.
                    run(connection, "SELECT set_config('custodian.changed_keys', ARRAY(SELECT jsonb_object_keys(?::jsonb))::text, true)",
                            patch.toString());
                }
                run(connection, MERGE, patch.toString(), id);
            });
        } catch (PSQLException e) {
            assertThat(e.getSQLState()).isEqualTo("CU001");
            return new Outcome(detailJson(e.getServerErrorMessage()).get("lost"), null, null, null);
        }
        // A patch that changes nothing records nothing: the user stays at version 1.
        JsonNode entry = TestSql.parse(String.valueOf(TestSql.value(db, """
                SELECT coalesce(json_agg(json_build_object('changes', changes, 'undo', undo)), '[{}]')::text
                  FROM user_changes WHERE user_id = ? AND version > 1""", id))).get(0);
        return new Outcome(null, TestSql.user(db, id).get("data"), entry.get("changes"), entry.get("undo"));
    }

    private static ObjectNode randomPatch(Random random) {
        ObjectNode patch = RandomJson.object(random, 2);
        if (random.nextInt(3) == 0) {
            patch.putNull(RandomJson.key(random));
        }
        return patch;
    }
}
