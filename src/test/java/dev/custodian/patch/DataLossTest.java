package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLossTest {

    @Test
    void theIncidentWriteLosesEveryKeyButPhone() {
        JsonNode before = Json.parse(
            "{\"data\":{\"phone\":\"1\",\"address\":\"2 High St\",\"country\":\"US\",\"postalCode\":\"94103\"}}");
        JsonNode after = Json.parse("{\"data\":{\"phone\":\"2\"}}");

        assertThat(DataLoss.lostPaths(before, after))
            .containsExactly(pointers("/data/address", "/data/country", "/data/postalCode").toArray(JsonPointer[]::new));
    }

    @Test
    void theIncidentWriteIsUnnamedUnlessItsRemovalsAreNamed() {
        List<JsonPointer> lost = pointers("/data/address", "/data/country", "/data/postalCode");

        assertThat(DataLoss.unnamed(lost, List.of())).isEqualTo(lost);
        assertThat(DataLoss.unnamed(lost, pointers("/data/address", "/data/country"))).isEqualTo(pointers("/data/postalCode"));
        assertThat(DataLoss.unnamed(lost, pointers("/data"))).isEmpty();
    }

    @Test
    void manyLostAndManyNamedPathsAreMatchedPromptly() {
        List<JsonPointer> lost = IntStream.range(0, 100_000).mapToObj(i -> JsonPointer.parse("/data/k" + i)).toList();
        List<JsonPointer> named = IntStream.range(1, 100_000).mapToObj(i -> JsonPointer.parse("/data/k" + i)).toList();

        // Compared pairwise these are ten billion comparisons (minutes); looked up, well under a
        // second here (measured), so 10 s is generous.
        List<JsonPointer> unnamed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> DataLoss.unnamed(lost, named));

        assertThat(unnamed).isEqualTo(pointers("/data/k0"));
    }

    @Test
    void changingScalarsLosesNothing() {
        JsonNode before = Json.parse("{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,\"e\":{\"f\":1}}");
        JsonNode after = Json.parse("{\"a\":\"one\",\"b\":null,\"c\":false,\"d\":{\"g\":1},\"e\":{\"f\":[1]}}");

        assertThat(DataLoss.lostPaths(before, after)).isEmpty();
    }

    @Test
    void addingLosesNothing() {
        JsonNode before = Json.parse("{\"a\":{\"b\":1},\"list\":[1]}");
        JsonNode after = Json.parse("{\"a\":{\"b\":1,\"c\":2},\"list\":[1,2],\"new\":{}}");

        assertThat(DataLoss.lostPaths(before, after)).isEmpty();
    }

    @Test
    void nestedRemovalsAreReportedAtTheirOwnDepthInDocumentOrder() {
        JsonNode before = Json.parse("{\"a\":{\"b\":{\"c\":1,\"d\":2},\"e\":3},\"f\":4,\"g\":{\"h\":5}}");
        JsonNode after = Json.parse("{\"g\":{},\"a\":{\"b\":{\"d\":2}}}");

        assertThat(DataLoss.lostPaths(before, after)).isEqualTo(pointers("/a/b/c", "/a/e", "/f", "/g/h"));
    }

    @Test
    void aMemberRemovedEvenWhenNullOrEmptyIsLost() {
        JsonNode before = Json.parse("{\"a\":null,\"b\":{},\"c\":[]}");

        assertThat(DataLoss.lostPaths(before, Json.parse("{}"))).isEqualTo(pointers("/a", "/b", "/c"));
    }

    @Test
    void aShortenedArrayIsLostAsAWhole() {
        JsonNode before = Json.parse("{\"tags\":[\"a\",\"b\",\"c\"]}");

        assertThat(DataLoss.lostPaths(before, Json.parse("{\"tags\":[\"a\",\"c\"]}"))).isEqualTo(pointers("/tags"));
        assertThat(DataLoss.lostPaths(before, Json.parse("{\"tags\":[]}"))).isEqualTo(pointers("/tags"));
    }

    @Test
    void arraysOfTheSameOrGreaterLengthAreComparedElementByElement() {
        JsonNode before = Json.parse("{\"list\":[{\"a\":1,\"b\":2},\"x\",[1,2]]}");
        JsonNode after = Json.parse("{\"list\":[{\"a\":1},\"y\",[1],4]}");

        assertThat(DataLoss.lostPaths(before, after)).isEqualTo(pointers("/list/0/b", "/list/2"));
        assertThat(DataLoss.lostPaths(Json.parse("[1,2]"), Json.parse("[\"a\",\"b\"]"))).isEmpty();
    }

    @Test
    void aNonEmptyObjectReplacedByAStringIsLost() {
        JsonNode before = Json.parse("{\"data\":{\"address\":{\"street\":\"2 High St\"}}}");

        assertThat(DataLoss.lostPaths(before, Json.parse("{\"data\":{\"address\":\"2 High St\"}}")))
            .isEqualTo(pointers("/data/address"));
    }

    @Test
    void aNonEmptyContainerReplacedByAnotherTypeIsLost() {
        assertThat(DataLoss.lostPaths(Json.parse("{\"a\":[1]}"), Json.parse("{\"a\":{\"0\":1}}"))).isEqualTo(pointers("/a"));
        assertThat(DataLoss.lostPaths(Json.parse("{\"a\":{\"b\":1}}"), Json.parse("{\"a\":[1]}"))).isEqualTo(pointers("/a"));
        assertThat(DataLoss.lostPaths(Json.parse("{\"a\":{\"b\":1}}"), Json.parse("{\"a\":null}"))).isEqualTo(pointers("/a"));
        assertThat(DataLoss.lostPaths(Json.parse("{\"a\":1}"), Json.parse("7"))).isEqualTo(pointers(""));
    }

    @Test
    void anEmptyContainerReplacedByAScalarIsNotLost() {
        assertThat(DataLoss.lostPaths(Json.parse("{\"a\":{},\"b\":[]}"), Json.parse("{\"a\":\"x\",\"b\":0}"))).isEmpty();
    }

    @Test
    void aNamedRemovalCoversEverythingBeneathIt() {
        List<JsonPointer> lost = pointers("/data/address/street", "/data/address/city", "/data/phone");

        assertThat(DataLoss.unnamed(lost, pointers("/data/address"))).isEqualTo(pointers("/data/phone"));
    }

    @Test
    void aNamedRemovalComparesWholeTokens() {
        assertThat(DataLoss.unnamed(pointers("/data/ab"), pointers("/data/a"))).isEqualTo(pointers("/data/ab"));
    }

    @Test
    void removingAnArrayElementCoversTheShortenedArray() {
        JsonNode before = Json.parse("{\"tags\":[\"a\",\"b\",\"c\"]}");
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"remove\",\"path\":\"/tags/1\"}]"));

        List<JsonPointer> lost = DataLoss.lostPaths(before, patch.apply(before));

        assertThat(lost).isEqualTo(pointers("/tags"));
        assertThat(DataLoss.unnamed(lost, patch.removals())).isEmpty();
    }

    @Test
    void removingSomethingInsideAnElementDoesNotCoverTheArray() {
        assertThat(DataLoss.unnamed(pointers("/tags"), pointers("/tags/1/name"))).isEqualTo(pointers("/tags"));
        assertThat(DataLoss.unnamed(pointers("/tags"), pointers("/tag/1"))).isEqualTo(pointers("/tags"));
    }

    @Test
    void aNamedRemovalOfAChildDoesNotCoverItsParentBeingDropped() {
        assertThat(DataLoss.unnamed(pointers("/data"), pointers("/data/phone"))).isEqualTo(pointers("/data"));
    }

    @Test
    void mergePatchRemovalsCoverExactlyWhatTheyName() {
        JsonNode before = Json.parse("{\"data\":{\"phone\":\"1\",\"address\":\"2 High St\",\"a\":{\"b\":1,\"c\":2}}}");
        JsonNode patch = Json.parse("{\"data\":{\"phone\":null,\"a\":{\"b\":null}}}");

        List<JsonPointer> lost = DataLoss.lostPaths(before, MergePatch.apply(before, patch));

        assertThat(lost).isEqualTo(pointers("/data/phone", "/data/a/b"));
        assertThat(DataLoss.unnamed(lost, MergePatch.removals(patch))).isEmpty();
    }

    @Test
    void aJsonPatchThatReplacesAWholeObjectLosesItsUnnamedMembers() {
        JsonNode before = Json.parse("{\"data\":{\"phone\":\"1\",\"address\":\"2 High St\"}}");
        JsonPatch patch = JsonPatch.parse(Json.parse("[{\"op\":\"replace\",\"path\":\"/data\",\"value\":{\"phone\":\"2\"}}]"));

        List<JsonPointer> lost = DataLoss.lostPaths(before, patch.apply(before));

        assertThat(DataLoss.unnamed(lost, patch.removals())).isEqualTo(pointers("/data/address"));
    }

    @Test
    void lostPathsNeverMutatesItsInputs() {
        JsonNode before = Json.parse("{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":1}");
        JsonNode after = Json.parse("{\"a\":{\"b\":[{}]}}");
        JsonNode beforeCopy = before.deepCopy();
        JsonNode afterCopy = after.deepCopy();

        DataLoss.lostPaths(before, after);

        assertThat(before).isEqualTo(beforeCopy);
        assertThat(after).isEqualTo(afterCopy);
    }

    private static List<JsonPointer> pointers(String... texts) {
        return Arrays.stream(texts).map(JsonPointer::parse).toList();
    }
}
