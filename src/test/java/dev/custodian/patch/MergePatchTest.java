package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {

    // Every example of RFC 7396 Appendix A, in its order.
    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        {"a":"b"}                 => {"a":"c"}                    => {"a":"c"}
        {"a":"b"}                 => {"b":"c"}                    => {"a":"b","b":"c"}
        {"a":"b"}                 => {"a":null}                   => {}
        {"a":"b","b":"c"}         => {"a":null}                   => {"b":"c"}
        {"a":["b"]}               => {"a":"c"}                    => {"a":"c"}
        {"a":"c"}                 => {"a":["b"]}                  => {"a":["b"]}
        {"a":{"b":"c"}}           => {"a":{"b":"d","c":null}}     => {"a":{"b":"d"}}
        {"a":[{"b":"c"}]}         => {"a":[1]}                    => {"a":[1]}
        ["a","b"]                 => ["c","d"]                    => ["c","d"]
        {"a":"b"}                 => ["c"]                        => ["c"]
        {"a":"foo"}               => null                         => null
        {"a":"foo"}               => "bar"                        => "bar"
        {"e":null}                => {"a":1}                      => {"e":null,"a":1}
        [1,2]                     => {"a":"b","c":null}           => {"a":"b"}
        {}                        => {"a":{"bb":{"ccc":null}}}    => {"a":{"bb":{}}}
        """)
    void rfc7396AppendixAExamplesGiveTheirResults(String target, String patch, String result) {
        assertThat(MergePatch.apply(Json.parse(target), Json.parse(patch))).isEqualTo(Json.parse(result));
    }

    @Test
    void mergePatchNullRemovesOnlyThatKey() {
        JsonNode target = Json.parse("{\"data\":{\"phone\":\"1\",\"address\":\"2 High St\"},\"version\":3}");

        JsonNode result = MergePatch.apply(target, Json.parse("{\"data\":{\"phone\":null}}"));

        assertThat(result).isEqualTo(Json.parse("{\"data\":{\"address\":\"2 High St\"},\"version\":3}"));
    }

    @Test
    void mergePatchKeepsUnmentionedKeys() {
        JsonNode target = Json.parse("{\"data\":{\"phone\":\"1\",\"address\":\"2 High St\"}}");

        JsonNode result = MergePatch.apply(target, Json.parse("{\"data\":{\"phone\":\"2\"}}"));

        assertThat(result).isEqualTo(Json.parse("{\"data\":{\"phone\":\"2\",\"address\":\"2 High St\"}}"));
    }

    @Test
    void mergePatchNeverMutatesItsInputs() {
        JsonNode target = Json.parse("{\"a\":{\"b\":1,\"c\":[1,2]},\"d\":2}");
        JsonNode patch = Json.parse("{\"a\":{\"b\":null,\"e\":{\"f\":1}},\"d\":[3]}");
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        MergePatch.apply(target, patch);

        assertThat(target).isEqualTo(targetBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void mergePatchResultSharesNoNodesWithItsInputs() {
        JsonNode target = Json.parse("{\"kept\":{\"x\":1}}");
        JsonNode patch = Json.parse("{\"added\":{\"y\":2},\"list\":[{\"z\":3}]}");

        ObjectNode result = (ObjectNode) MergePatch.apply(target, patch);
        ((ObjectNode) result.get("kept")).put("x", 99);
        ((ObjectNode) result.get("added")).put("y", 99);
        ((ObjectNode) result.get("list").get(0)).put("z", 99);

        assertThat(target).isEqualTo(Json.parse("{\"kept\":{\"x\":1}}"));
        assertThat(patch).isEqualTo(Json.parse("{\"added\":{\"y\":2},\"list\":[{\"z\":3}]}"));
    }

    @Test
    void nonObjectPatchIsCopiedNotShared() {
        JsonNode patch = Json.parse("[{\"a\":1}]");

        JsonNode result = MergePatch.apply(Json.parse("{}"), patch);

        assertThat(result).isEqualTo(patch).isNotSameAs(patch);
        assertThat(result.get(0)).isNotSameAs(patch.get(0));
    }

    @Test
    void removalsListsEveryNullMemberAtAnyDepth() {
        JsonNode patch = Json.parse("{\"data\":{\"phone\":null,\"a\":{\"b\":null},\"name\":\"Ann\"},\"x\":null}");

        assertThat(MergePatch.removals(patch)).containsExactly(
            JsonPointer.parse("/data/phone"), JsonPointer.parse("/data/a/b"), JsonPointer.parse("/x"));
    }

    @Test
    void removalsEscapeKeysIntoPointers() {
        JsonNode patch = Json.parse("{\"a/b\":{\"m~n\":null}}");

        assertThat(MergePatch.removals(patch)).containsExactly(JsonPointer.of(List.of("a/b", "m~n")));
        assertThat(MergePatch.removals(patch).get(0)).hasToString("/a~1b/m~0n");
    }

    @Test
    void removalsAreEmptyForPatchesThatRemoveNothing() {
        assertThat(MergePatch.removals(Json.parse("{\"data\":{\"phone\":\"2\"}}"))).isEmpty();
        assertThat(MergePatch.removals(Json.parse("null"))).isEmpty();
        assertThat(MergePatch.removals(Json.parse("[null]"))).isEmpty();
        assertThat(MergePatch.removals(Json.parse("{\"list\":[null]}"))).isEmpty();
    }
}
