package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDiffTest {

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        {}                                              => {}
        {}                                              => {"a":1}
        {"a":1}                                         => {}
        {"a":1,"b":2}                                   => {"b":3,"c":4}
        {"a":{"b":{"c":1,"d":[1,2]}},"e":"x"}           => {"a":{"b":{"c":2,"d":[1,2,3]}},"e":"x"}
        {"a":{"b":1}}                                   => {"a":[1,2]}
        {"a":[1,2]}                                     => {"a":{"b":1}}
        {"a":[{"b":1},{"c":2}]}                         => {"a":[{"b":1},{"c":3}]}
        {"a":null}                                      => {"a":{"b":null}}
        {"a":{"b":null}}                                => {"a":null}
        {"a/b":1,"m~n":2,"~1":3,"":4}                   => {"a/b":{"~0":[]},"m~n":null,"/":5,"":4}
        {"ключ":"значение","日本":{"キー/~":1}}            => {"ключ":"другое","日本":{"キー/~":2,"新":true}}
        {"emoji 😀":{"x":1}}                            => {"emoji 😀":{"x":1,"y":"🎉"}}
        [1,2,3]                                         => [3,2,1]
        "text"                                          => {"a":1}
        {"a":1}                                         => null
        true                                            => false
        """)
    void diffRoundTripsThroughJsonPatch(String beforeText, String afterText) {
        JsonNode before = Json.parse(beforeText);
        JsonNode after = Json.parse(afterText);

        JsonNode result = JsonPatch.parse(JsonDiff.diff(before, after)).apply(before);

        assertThat(result).isEqualTo(after);
    }

    @Test
    void equalDocumentsHaveAnEmptyDiff() {
        JsonNode doc = Json.parse("{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":\"x\"}");

        assertThat(JsonDiff.diff(doc, doc.deepCopy())).isEmpty();
    }

    @Test
    void numericallyEqualValuesAreNotAChange() {
        assertThat(JsonDiff.diff(Json.parse("{\"a\":1,\"b\":[1.0]}"), Json.parse("{\"a\":1.0,\"b\":[1]}"))).isEmpty();
    }

    @Test
    void memberOrderAloneIsNotAChange() {
        assertThat(JsonDiff.diff(Json.parse("{\"a\":1,\"b\":2}"), Json.parse("{\"b\":2,\"a\":1}"))).isEmpty();
    }

    @Test
    void objectsAreDiffedMemberByMemberAndOtherValuesReplacedWhole() {
        JsonNode before = Json.parse("{\"data\":{\"name\":\"Ann\",\"tags\":[1,2],\"gone\":1,\"same\":{\"x\":1}}}");
        JsonNode after = Json.parse("{\"data\":{\"new\":true,\"name\":\"Bo\",\"tags\":[1,2,3],\"same\":{\"x\":1}},\"v\":2}");

        assertThat(JsonDiff.diff(before, after)).isEqualTo(Json.parse("""
            [
              {"op":"replace","path":"/data/name","value":"Bo"},
              {"op":"replace","path":"/data/tags","value":[1,2,3]},
              {"op":"remove","path":"/data/gone"},
              {"op":"add","path":"/data/new","value":true},
              {"op":"add","path":"/v","value":2}
            ]
            """));
    }

    @Test
    void differingNonObjectsAreOneReplaceOfTheRoot() {
        assertThat(JsonDiff.diff(Json.parse("[1]"), Json.parse("[2]")))
            .isEqualTo(Json.parse("[{\"op\":\"replace\",\"path\":\"\",\"value\":[2]}]"));
        assertThat(JsonDiff.diff(Json.parse("{\"a\":1}"), Json.parse("7")))
            .isEqualTo(Json.parse("[{\"op\":\"replace\",\"path\":\"\",\"value\":7}]"));
    }

    @Test
    void keysWithSlashAndTildeAreEscapedInPaths() {
        ArrayNode ops = JsonDiff.diff(Json.parse("{\"a/b\":{\"m~n\":1}}"), Json.parse("{\"a/b\":{\"m~n\":2}}"));

        assertThat(ops.get(0).get("path").asText()).isEqualTo("/a~1b/m~0n");
    }

    @Test
    void changingOneKeyInALargeDocumentGivesASmallDiff() {
        ObjectNode before = largeDocument();
        ObjectNode after = before.deepCopy();
        ((ObjectNode) after.get("users").get("user-0500").get("data").get("address")).put("city", "Springfield");

        ArrayNode ops = JsonDiff.diff(before, after);

        assertThat(before.toString().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(100_000);
        assertThat(ops.toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(200);
        assertThat(ops).isEqualTo(Json.parse(
            "[{\"op\":\"replace\",\"path\":\"/users/user-0500/data/address/city\",\"value\":\"Springfield\"}]"));
        assertThat(JsonPatch.parse(ops).apply(before)).isEqualTo(after);
    }

    @Test
    void diffNeverMutatesItsInputsNorSharesNodesWithThem() {
        JsonNode before = Json.parse("{\"a\":{\"b\":1},\"c\":[1],\"gone\":{}}");
        JsonNode after = Json.parse("{\"a\":{\"b\":2,\"n\":{\"x\":1}},\"c\":[{\"y\":1}]}");
        JsonNode beforeCopy = before.deepCopy();
        JsonNode afterCopy = after.deepCopy();

        ArrayNode ops = JsonDiff.diff(before, after);
        for (JsonNode op : ops) {
            if (op.get("value") instanceof ContainerNode<?> value) {
                value.removeAll();
            }
        }

        assertThat(before).isEqualTo(beforeCopy);
        assertThat(after).isEqualTo(afterCopy);
    }

    private static ObjectNode largeDocument() {
        ObjectNode users = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 1000; i++) {
            ObjectNode data = users.putObject(String.format("user-%04d", i)).putObject("data");
            data.put("name", "User " + i).put("phone", "+1 555 01" + i);
            data.putObject("address").put("street", i + " High St").put("city", "Anytown").put("postalCode", "94103");
            data.putArray("tags").add("a").add("b");
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("users", users);
        return doc;
    }
}
