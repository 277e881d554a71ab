package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.patch.PatchException.Reason;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {

    // The successful examples of RFC 6902 Appendix A; the error examples have their own tests below.
    @ParameterizedTest(name = "A.{0}")
    @CsvSource(delimiterString = "=>", textBlock = """
        1  => {"foo":"bar"} => [{"op":"add","path":"/baz","value":"qux"}] => {"baz":"qux","foo":"bar"}
        2  => {"foo":["bar","baz"]} => [{"op":"add","path":"/foo/1","value":"qux"}] => {"foo":["bar","qux","baz"]}
        3  => {"baz":"qux","foo":"bar"} => [{"op":"remove","path":"/baz"}] => {"foo":"bar"}
        4  => {"foo":["bar","qux","baz"]} => [{"op":"remove","path":"/foo/1"}] => {"foo":["bar","baz"]}
        5  => {"baz":"qux","foo":"bar"} => [{"op":"replace","path":"/baz","value":"boo"}] => {"baz":"boo","foo":"bar"}
        6  => {"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}} \
              => [{"op":"move","from":"/foo/waldo","path":"/qux/thud"}] \
              => {"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}
        7  => {"foo":["all","grass","cows","eat"]} => [{"op":"move","from":"/foo/1","path":"/foo/3"}] \
              => {"foo":["all","cows","eat","grass"]}
        8  => {"baz":"qux","foo":["a",2,"c"]} \
              => [{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}] \
              => {"baz":"qux","foo":["a",2,"c"]}
        10 => {"foo":"bar"} => [{"op":"add","path":"/child","value":{"grandchild":{}}}] \
              => {"foo":"bar","child":{"grandchild":{}}}
        11 => {"foo":"bar"} => [{"op":"add","path":"/baz","value":"qux","xyz":123}] => {"foo":"bar","baz":"qux"}
        14 => {"/":9,"~1":10} => [{"op":"test","path":"/~01","value":10}] => {"/":9,"~1":10}
        16 => {"foo":["bar"]} => [{"op":"add","path":"/foo/-","value":["abc","def"]}] => {"foo":["bar",["abc","def"]]}
        """)
    void rfc6902AppendixAExamplesGiveTheirResults(String example, String doc, String patch, String result) {
        assertThat(apply(doc, patch)).isEqualTo(Json.parse(result));
    }

    @Test
    void rfc6902A09FailedTestIsAnError() {
        assertFails(() -> apply("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]"),
            Reason.TEST_FAILED, "/baz",
            "operation 0 (test): test failed at /baz: expected \"bar\" but found \"qux\"");
    }

    @Test
    void rfc6902A12AddingToANonexistentTargetIsAnError() {
        assertFails(() -> apply("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]"),
            Reason.PATH_NOT_FOUND, "/baz/bat",
            "operation 0 (add): cannot add at /baz/bat: the document root has no member 'baz'");
    }

    @Test
    void rfc6902A13DuplicateOpMembersAreRejectedByAStrictReaderBeforeTheyReachTheParser() {
        // Once text is a JsonNode a duplicate member is gone, so this check belongs to whoever reads the request.
        ObjectMapper strict = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        assertThatThrownBy(() -> strict.readTree("[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]"))
            .isInstanceOf(JsonProcessingException.class)
            .hasMessageContaining("Duplicate field 'op'");
    }

    @Test
    void rfc6902A15StringsAndNumbersAreNeverEqual() {
        assertFails(() -> apply("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]"),
            Reason.TEST_FAILED, "/~01", "operation 0 (test): test failed at /~01: expected \"10\" but found 10");
    }

    @Test
    void addReplacesAnExistingMember() {
        assertThat(apply("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":2}]")).isEqualTo(Json.parse("{\"a\":2}"));
    }

    @Test
    void addInsertsAtTheStartAndAtTheEndOfAnArray() {
        String patch = "[{\"op\":\"add\",\"path\":\"/0\",\"value\":\"first\"},"
            + "{\"op\":\"add\",\"path\":\"/3\",\"value\":\"last\"}]";

        assertThat(apply("[1,2]", patch)).isEqualTo(Json.parse("[\"first\",1,2,\"last\"]"));
    }

    @Test
    void addPastTheEndOfAnArrayIsNotFound() {
        assertFails(() -> apply("{\"a\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/a/3\",\"value\":3}]"),
            Reason.PATH_NOT_FOUND, "/a/3",
            "operation 0 (add): cannot add at /a/3: its parent /a is an array of 2 elements, so index 3 is out of range");
    }

    @Test
    void arrayIndexesWithLeadingZerosOrSignsAreNotIndexes() {
        for (String index : new String[] {"01", "-1", "+1", "1.0", "x"}) {
            assertFails(() -> apply("[1,2]", "[{\"op\":\"add\",\"path\":\"/" + index + "\",\"value\":3}]"),
                Reason.PATH_NOT_FOUND, "/" + index,
                "operation 0 (add): cannot add at /" + index + ": the document root is an array, and '" + index
                    + "' is not an array index");
        }
    }

    @Test
    void addUnderAScalarIsNotFound() {
        assertFails(() -> apply("{\"a\":\"text\"}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]"),
            Reason.PATH_NOT_FOUND, "/a/b",
            "operation 0 (add): cannot add at /a/b: its parent /a is a string, not an object or array");
    }

    @Test
    void addAtTheRootReplacesTheDocument() {
        assertThat(apply("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":[1]}]")).isEqualTo(Json.parse("[1]"));
    }

    @Test
    void removingAMissingMemberSaysWhichParentLacksIt() {
        assertFails(() -> apply("{\"data\":{\"address\":\"x\"}}", "[{\"op\":\"remove\",\"path\":\"/data/addres\"}]"),
            Reason.PATH_NOT_FOUND, "/data/addres",
            "operation 0 (remove): path /data/addres does not exist: its parent /data has no member 'addres'");
    }

    @Test
    void removingTheAppendMarkerIsNotFound() {
        assertFails(() -> apply("[1]", "[{\"op\":\"remove\",\"path\":\"/-\"}]"), Reason.PATH_NOT_FOUND, "/-",
            "operation 0 (remove): path /- does not exist: the document root is an array, and '-' is not an array index");
    }

    @Test
    void replacingAMissingMemberIsNotFound() {
        assertFails(() -> apply("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":2}]"),
            Reason.PATH_NOT_FOUND, "/b", "operation 0 (replace): path /b does not exist: the document root has no member 'b'");
    }

    @Test
    void replacingAnArrayElementKeepsTheArrayLength() {
        assertThat(apply("[1,2,3]", "[{\"op\":\"replace\",\"path\":\"/1\",\"value\":9}]")).isEqualTo(Json.parse("[1,9,3]"));
    }

    @Test
    void replacingTheRootReplacesTheWholeDocument() {
        assertThat(apply("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]"))
            .isEqualTo(Json.parse("{\"b\":2}"));
    }

    @Test
    void movingFromAMissingPathIsNotFound() {
        assertFails(() -> apply("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/b\",\"path\":\"/c\"}]"),
            Reason.PATH_NOT_FOUND, "/b", "operation 0 (move): path /b does not exist: the document root has no member 'b'");
    }

    @Test
    void movingOntoItselfChangesNothingButTheSourceMustExist() {
        assertThat(apply("{\"a\":1,\"b\":2}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]"))
            .isEqualTo(Json.parse("{\"a\":1,\"b\":2}"));
        assertFails(() -> apply("{}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]"),
            Reason.PATH_NOT_FOUND, "/a", "operation 0 (move): path /a does not exist: the document root has no member 'a'");
    }

    @Test
    void copyingMakesAnIndependentValue() {
        ObjectNode result = (ObjectNode) apply("{\"a\":{\"x\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"}]");
        ((ObjectNode) result.get("b")).put("x", 2);

        assertThat(result).isEqualTo(Json.parse("{\"a\":{\"x\":1},\"b\":{\"x\":2}}"));
    }

    @Test
    void testComparesNumbersByValue() {
        String doc = "{\"a\":1,\"b\":1.50,\"c\":[100]}";
        String patch = "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0},{\"op\":\"test\",\"path\":\"/b\",\"value\":1.5},"
            + "{\"op\":\"test\",\"path\":\"/c\",\"value\":[1e2]}]";

        assertThat(apply(doc, patch)).isEqualTo(Json.parse(doc));
    }

    @Test
    void testIgnoresObjectMemberOrderButNotArrayOrder() {
        String doc = "{\"o\":{\"a\":1,\"b\":[1,2]}}";

        assertThat(apply(doc, "[{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"b\":[1,2],\"a\":1}}]"))
            .isEqualTo(Json.parse(doc));
        assertFails(() -> apply(doc, "[{\"op\":\"test\",\"path\":\"/o/b\",\"value\":[2,1]}]"),
            Reason.TEST_FAILED, "/o/b", "operation 0 (test): test failed at /o/b: expected [2,1] but found [1,2]");
    }

    @Test
    void testDistinguishesNullFromMissingAndFromExtraMembers() {
        assertThat(apply("{\"a\":null}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null}]"))
            .isEqualTo(Json.parse("{\"a\":null}"));
        assertFails(() -> apply("{}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null}]"), Reason.TEST_FAILED, "/a",
            "operation 0 (test): test failed at /a: expected null but the path does not exist: "
                + "the document root has no member 'a'");
        assertFails(() -> apply("{\"o\":{\"a\":1,\"b\":2}}", "[{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"a\":1}}]"),
            Reason.TEST_FAILED, "/o", "operation 0 (test): test failed at /o: expected {\"a\":1} but found {\"a\":1,\"b\":2}");
    }

    @Test
    void testFailureMessageShowsBothValues() {
        assertFails(() -> apply("{\"data\":{\"phone\":\"+2 555\"}}",
                "[{\"op\":\"test\",\"path\":\"/data/phone\",\"value\":\"+1 555\"}]"),
            Reason.TEST_FAILED, "/data/phone",
            "operation 0 (test): test failed at /data/phone: expected \"+1 555\" but found \"+2 555\"");
    }

    @Test
    void longValuesAreCutInMessages() {
        String longText = "x".repeat(1000);

        assertThatThrownBy(() -> apply("{\"a\":\"" + longText + "\"}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1}]"))
            .hasMessageEndingWith("…")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    @Test
    void errorsNameTheFailingOperationCountingFromZero() {
        String patch = "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"remove\",\"path\":\"/c\"}]";

        assertThatThrownBy(() -> apply("{\"a\":1}", patch)).hasMessageStartingWith("operation 1 (remove): ");
    }

    @Test
    void aFailingPatchChangesNothing() {
        JsonNode doc = Json.parse("{\"a\":1,\"list\":[1,2]}");
        JsonPatch patch = JsonPatch.parse(Json.parse(
            "[{\"op\":\"remove\",\"path\":\"/a\"},{\"op\":\"add\",\"path\":\"/list/0\",\"value\":0},"
                + "{\"op\":\"test\",\"path\":\"/list/0\",\"value\":1}]"));

        assertThatThrownBy(() -> patch.apply(doc)).isInstanceOf(PatchException.class);
        assertThat(doc).isEqualTo(Json.parse("{\"a\":1,\"list\":[1,2]}"));
    }

    @Test
    void applyNeverMutatesTheDocumentOrThePatch() {
        JsonNode doc = Json.parse("{\"a\":{\"b\":1},\"list\":[1,2,3],\"m\":{\"x\":1}}");
        JsonNode ops = Json.parse("[{\"op\":\"remove\",\"path\":\"/a/b\"},"
            + "{\"op\":\"add\",\"path\":\"/list/1\",\"value\":{\"v\":1}},"
            + "{\"op\":\"move\",\"from\":\"/m\",\"path\":\"/a/m\"},{\"op\":\"replace\",\"path\":\"/list/0\",\"value\":[0]}]");
        JsonNode docBefore = doc.deepCopy();
        JsonNode opsBefore = ops.deepCopy();

        JsonNode result = JsonPatch.parse(ops).apply(doc);

        assertThat(result).isEqualTo(Json.parse("{\"a\":{\"m\":{\"x\":1}},\"list\":[[0],{\"v\":1},2,3]}"));
        assertThat(doc).isEqualTo(docBefore);
        assertThat(ops).isEqualTo(opsBefore);
    }

    @Test
    void resultsShareNoNodesWithThePatchOrEachOther() {
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"add\",\"path\":\"/a\",\"value\":{\"x\":1}}]"));

        ObjectNode first = (ObjectNode) patch.apply(Json.parse("{}"));
        ((ObjectNode) first.get("a")).put("x", 2);
        JsonNode second = patch.apply(Json.parse("{}"));

        assertThat(second).isEqualTo(Json.parse("{\"a\":{\"x\":1}}"));
        assertThat(patch.operations().get(0).value()).isEqualTo(Json.parse("{\"x\":1}"));
    }

    @Test
    void operationsExposeWhatWasParsed() {
        JsonPatch patch = JsonPatch.parse(Json.parse(
            "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b\",\"value\":\"ignored\"},"
                + "{\"op\":\"add\",\"path\":\"/c\",\"value\":null}]"));

        assertThat(patch.operations()).containsExactly(
            new JsonPatch.Operation("move", JsonPointer.parse("/b"), JsonPointer.parse("/a"), null),
            new JsonPatch.Operation("add", JsonPointer.parse("/c"), null, Json.parse("null")));
    }

    @Test
    void removalsAreRemovePathsAndMoveSources() {
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"remove\",\"path\":\"/data/phone\"},"
            + "{\"op\":\"move\",\"from\":\"/data/old\",\"path\":\"/data/new\"},"
            + "{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"/y\"},"
            + "{\"op\":\"replace\",\"path\":\"/data/name\",\"value\":\"Ann\"},{\"op\":\"remove\",\"path\":\"/tags/0\"}]"));

        assertThat(patch.removals()).containsExactly(
            JsonPointer.parse("/data/phone"), JsonPointer.parse("/data/old"), JsonPointer.parse("/tags/0"));
    }

    private static JsonNode apply(String doc, String patch) {
        return JsonPatch.parse(Json.parse(patch)).apply(Json.parse(doc));
    }

    private static void assertFails(ThrowingCallable call, Reason reason, String path, String message) {
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(PatchException.class, e -> {
                assertThat(e.reason()).isEqualTo(reason);
                assertThat(e.path()).isEqualTo(path);
            })
            .hasMessage(message);
    }
}
