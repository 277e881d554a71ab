package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The removals a merge patch names; the patch itself is applied by the database (MergePatchFunctionTest). */
class MergePatchTest {

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
