package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.patch.PatchException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchParseTest {

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        {"op":"add","path":"/a","value":1} => an object
        null                               => null
        "add"                              => a string
        """)
    void aPatchThatIsNotAnArrayIsMalformed(String patch, String kind) {
        assertMalformed(patch, null, "a JSON Patch must be an array of operations, but got " + kind);
    }

    @Test
    void anOperationThatIsNotAnObjectIsMalformed() {
        assertMalformed("[{\"op\":\"remove\",\"path\":\"/a\"},[\"remove\",\"/b\"]]", null,
            "operation 1: must be an object, but got an array");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        [{"path":"/a"}]                 => it is missing
        [{"op":"delete","path":"/a"}]   => got "delete"
        [{"op":"ADD","path":"/a"}]      => got "ADD"
        [{"op":1,"path":"/a"}]          => got 1
        [{"op":null,"path":"/a"}]       => got null
        """)
    void aMissingOrUnknownOpIsMalformed(String patch, String found) {
        assertMalformed(patch, null,
            "operation 0: 'op' must be one of add, remove, replace, move, copy, test, but " + found);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        [{"op":"remove"}]                  => remove  => path => it is missing
        [{"op":"remove","path":7}]         => remove  => path => got a number
        [{"op":"add","path":null,"value":1}] => add   => path => got null
        [{"op":"move","path":"/a"}]        => move    => from => it is missing
        [{"op":"copy","path":"/a","from":["/b"]}] => copy => from => got an array
        """)
    void aMissingOrNonStringPointerIsMalformed(String patch, String op, String field, String found) {
        assertMalformed(patch, null,
            "operation 0 (" + op + "): '" + field + "' must be a string holding a JSON Pointer, but " + found);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        [{"op":"add","path":"/a"}]       => add
        [{"op":"replace","path":"/a"}]   => replace
        [{"op":"test","path":"/a"}]      => test
        """)
    void aMissingValueIsMalformed(String patch, String op) {
        assertMalformed(patch, null,
            "operation 0 (" + op + "): 'value' is required (it may be null, but must be present)");
    }

    @Test
    void aNullValueIsPresentAndValid() {
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"add\",\"path\":\"/a\",\"value\":null}]"));

        assertThat(patch.apply(Json.parse("{}"))).isEqualTo(Json.parse("{\"a\":null}"));
    }

    @Test
    void badPointerSyntaxIsMalformed() {
        assertMalformed("[{\"op\":\"remove\",\"path\":\"a/b\"}]", "a/b",
            "operation 0 (remove): 'path' \"a/b\" is not a JSON Pointer: it must be empty or start with '/'");
        assertMalformed("[{\"op\":\"copy\",\"from\":\"/a~2\",\"path\":\"/b\"}]", "/a~2",
            "operation 0 (copy): 'from' \"/a~2\" is not a JSON Pointer: "
                + "'~' must be followed by '0' or '1' (write '~0' for '~' and '~1' for '/')");
    }

    @Test
    void movingALocationIntoItsOwnChildIsMalformed() {
        assertMalformed("[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", "/a/b",
            "operation 0 (move): cannot move /a into its own child /a/b");
        assertMalformed("[{\"op\":\"move\",\"from\":\"\",\"path\":\"/a\"}]", "/a",
            "operation 0 (move): cannot move the whole document into its own child /a");
    }

    @Test
    void movingToASiblingWithACommonNamePrefixIsAllowed() {
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/ab\"}]"));

        assertThat(patch.apply(Json.parse("{\"a\":1}"))).isEqualTo(Json.parse("{\"ab\":1}"));
    }

    @Test
    void removingTheWholeDocumentIsMalformed() {
        assertMalformed("[{\"op\":\"remove\",\"path\":\"\"}]", "",
            "operation 0 (remove): cannot remove the whole document; replace it instead");
    }

    @Test
    void theFirstBadOperationIsReportedCountingFromZero() {
        assertMalformed("[{\"op\":\"remove\",\"path\":\"/a\"},{\"op\":\"remove\",\"path\":\"/b\"},{\"op\":\"nope\"}]",
            null, "operation 2: 'op' must be one of add, remove, replace, move, copy, test, but got \"nope\"");
    }

    @Test
    void anEmptyPatchIsValidAndChangesNothing() {
        JsonNode doc = Json.parse("{\"a\":1}");

        assertThat(JsonPatch.parse(Json.parse("[]")).apply(doc)).isEqualTo(doc).isNotSameAs(doc);
    }

    @Test
    void parsedPatchesDoNotSeeLaterChangesToTheirInput() {
        ArrayNode ops = (ArrayNode) Json.parse("[{\"op\":\"add\",\"path\":\"/a\",\"value\":{\"x\":1}}]");
        JsonPatch patch = JsonPatch.parse(ops);
        ((ObjectNode) ops.get(0).get("value")).put("x", 2);
        ops.removeAll();

        assertThat(patch.apply(Json.parse("{}"))).isEqualTo(Json.parse("{\"a\":{\"x\":1}}"));
    }

    @Test
    void parsingNeverMutatesItsInput() {
        JsonNode ops = Json.parse("[{\"op\":\"test\",\"path\":\"/a\",\"value\":[1,{\"b\":null}]},"
            + "{\"op\":\"remove\",\"path\":\"/a\"}]");
        JsonNode before = ops.deepCopy();

        JsonPatch.parse(ops);

        assertThat(ops).isEqualTo(before);
    }

    private static void assertMalformed(String patch, String path, String message) {
        JsonNode ops = Json.parse(patch);
        assertThatThrownBy(() -> JsonPatch.parse(ops))
            .isInstanceOfSatisfying(PatchException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PATCH);
                assertThat(e.path()).isEqualTo(path);
            })
            .hasMessage(message);
    }
}
