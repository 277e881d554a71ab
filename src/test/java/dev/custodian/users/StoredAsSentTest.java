package dev.custodian.users;

import static dev.custodian.testing.TestUsers.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tricky but valid strings and numbers come back exactly as sent — through the API and in the
 * database row — whether written by create, merge patch or JSON Patch: strings identical code
 * unit for code unit, numbers equal by value (never through a binary float).
 */
class StoredAsSentTest {
    /** Reads numbers as BigDecimal and BigInteger, of any length: what a client that keeps numbers exact sees. */
    private static final ObjectMapper EXACT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** Numbers by value (1e400 equals its 401 digits, -0 equals 0), everything else exactly. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    // Written as JSON text, escapes included, exactly as a client sends it.
    private static final String NAME = "\"Zoë 😀 \\ud83d\\ude00 שלום e\\u0301 \\ufeff\"";
    private static final String CORPUS = """
            {"emoji": "😀 👍🏽 👨‍👩‍👧‍👦 🇩🇪",
             "escapedPairs": "\\ud83d\\ude00 and \\uD83D\\uDC4D",
             "rtl": "שלום עולם مرحبا بالعالم",
             "bidiControls": "\\u200f\\u202eabc\\u202c\\u200e",
             "combining": "e\\u0301 is not \\u00e9; Z\\u0324\\u0354\\u0367\\u0311\\u0313",
             "bom": "\\ufeffstarts with a byte order mark, and one \\ufeff inside",
             "zeroWidth": "a\\u200bb\\u200dc\\u2060d",
             "lineSeparators": "\\u2028\\u2029",
             "controls": "\\u0001\\u001f\\t\\n\\r\\b\\f\\u007f",
             "escapesAsText": "\\" \\\\ \\/ \\\\u0000 \\\\ud800",
             "beyondTheBmp": "𠜎 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🀄",
             "noncharacters": "\\uffff \\ufffe \\ud83f\\udffe \\ufffd",
             "long": "%s",
             "empty": "",
             "spaces": "  leading and trailing  ",
             "😀": "emoji key", "\\ud83d\\ude00k": "escaped pair key", "a/b~c": "pointer characters",
             "": "empty key", "שלום": "rtl key", "k\\u0301": "combining key", "\\ufeffbom": "bom key",
             "%s": "long key",
             "big": 1e400, "negativeBig": -1E+400, "tiny": 1E-7, "tinier": 1e-400,
             "negativeZero": -0, "negativeZeroDecimal": -0.0, "tenth": 0.1, "sum": 0.30000000000000004,
             "thirtyDigits": 123456789012345678901234567890, "negativeThirtyDigits": -123456789012345678901234567890,
             "precise": 1.0000000000000000000000000001, "twoTo53PlusOne": 9007199254740993,
             "exponent": 2.5E+10, "trailingZeros": 1.100, "whole": 100,
             "longMax": 9223372036854775807, "longMaxPlusOne": 9223372036854775808,
             "nested": {"list": [1e400, -0, "\\ud83d\\ude00", {"tenth": 0.1}, null, true, [], {}]}}
            """.formatted("ü".repeat(100_000), "k".repeat(10_000));

    private final TestServer server = TestServer.shared();

    @Test
    void aCreatedUserIsStoredAndReadAsSent() {
        HttpResponse created = server.postJson("/users",
                "{\"name\": " + NAME + ", \"email\": \"" + uniqueEmail() + "\", \"data\": " + CORPUS + "}");

        assertThat(created.status()).as(abbreviated(created)).isEqualTo(201);
        long id = Long.parseLong(created.header("Location").replace("/users/", ""));
        assertAsSent("the answer to POST", read(created.body()));
        assertAsSent("GET", read(server.get("/users/" + id).body()));
        assertAsSent("the row", row(id));
    }

    @Test
    void aMergePatchIsStoredAndReadAsSent() {
        long id = plainUser();

        HttpResponse patched = server.mergePatch("/users/" + id, "{\"name\": " + NAME + ", \"data\": " + CORPUS + "}");

        assertThat(patched.status()).as(abbreviated(patched)).isEqualTo(200);
        assertAsSent("the answer to PATCH", read(patched.body()));
        assertAsSent("GET", read(server.get("/users/" + id).body()));
        assertAsSent("the row", row(id));
        assertThat(server.mergePatch("/users/" + id, "{\"name\": \"Later\"}").status()).isEqualTo(200);
        assertAsSent("version 2 read from history", read(server.get("/users/" + id + "?version=2").body()));
    }

    @Test
    void aJsonPatchIsStoredAndReadAsSent() {
        long id = plainUser();

        HttpResponse patched = server.jsonPatch("/users/" + id, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": "
                + NAME + "}, {\"op\": \"add\", \"path\": \"/data\", \"value\": " + CORPUS + "}]");

        assertThat(patched.status()).as(abbreviated(patched)).isEqualTo(200);
        assertAsSent("the answer to PATCH", read(patched.body()));
        assertAsSent("GET", read(server.get("/users/" + id).body()));
        assertAsSent("the row", row(id));
    }

    private long plainUser() {
        HttpResponse created = server.postJson("/users", "{\"name\": \"Plain\", \"email\": \"" + uniqueEmail() + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private JsonNode row(long id) {
        Map<String, Object> row = TestSql.rows(server.dataSource(), "SELECT name, data::text AS data FROM users WHERE id = ?",
                id).get(0);
        return EXACT.createObjectNode()
                .put("name", (String) row.get("name"))
                .set("data", read((String) row.get("data")));
    }

    /** Compares name and every member of data on its own, so that a failure names the member. */
    private static void assertAsSent(String where, JsonNode user) {
        assertThat(user.get("name").textValue()).as(where + ": name").isEqualTo(read(NAME).textValue());
        JsonNode sent = read(CORPUS);
        JsonNode stored = user.get("data");
        assertThat(stored.size()).as(where + ": number of members of data").isEqualTo(sent.size());
        sent.fields().forEachRemaining(member -> {
            JsonNode value = stored.get(member.getKey());
            assertThat(value != null && value.equals(BY_VALUE, member.getValue()))
                    .as("%s: data member '%s' is %s, sent %s", where, abbreviated(member.getKey()),
                            abbreviated(String.valueOf(value)), abbreviated(member.getValue().toString()))
                    .isTrue();
        });
    }

    private static JsonNode read(String json) {
        try {
            return EXACT.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviated(Object text) {
        String whole = String.valueOf(text);
        return whole.length() <= 300 ? whole : whole.substring(0, 300) + "... (" + whole.length() + " characters)";
    }
}
