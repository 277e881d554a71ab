package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPointerTest {

    // The example document of RFC 6901 section 5.
    private static final JsonNode RFC_DOCUMENT = Json.parse("""
        {
          "foo": ["bar", "baz"],
          "": 0,
          "a/b": 1,
          "c%d": 2,
          "e^f": 3,
          "g|h": 4,
          "i\\\\j": 5,
          "k\\"l": 6,
          " ": 7,
          "m~n": 8
        }
        """);

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
        /foo     => ["bar","baz"]
        /foo/0   => "bar"
        /        => 0
        /a~1b    => 1
        /c%d     => 2
        /e^f     => 3
        /g|h     => 4
        /i\\j    => 5
        /k"l     => 6
        `/ `     => 7
        /m~0n    => 8
        """)
    void rfc6901ExamplesResolveAgainstItsExampleDocument(String pointer, String expected) {
        assertThat(JsonPointer.parse(pointer).find(RFC_DOCUMENT)).contains(Json.parse(expected));
    }

    @Test
    void emptyPointerIsTheWholeDocument() {
        JsonPointer root = JsonPointer.parse("");

        assertThat(root.isRoot()).isTrue();
        assertThat(root.tokens()).isEmpty();
        assertThat(root.find(RFC_DOCUMENT)).containsSame(RFC_DOCUMENT);
    }

    @Test
    void tildeZeroOneUnescapesToTildeOneNotSlash() {
        // RFC 6901 section 4: "~01" is "~1" because "~1" is replaced before "~0".
        assertThat(JsonPointer.parse("/~01").tokens()).containsExactly("~1");
    }

    @Test
    void toStringEscapesTokensAgain() {
        JsonPointer pointer = JsonPointer.of(List.of("a/b", "m~n", "~1", ""));

        assertThat(pointer.toString()).isEqualTo("/a~1b/m~0n/~01/");
        assertThat(JsonPointer.parse(pointer.toString())).isEqualTo(pointer);
    }

    @Test
    void slashAloneIsTheEmptyKeyNotTheRoot() {
        assertThat(JsonPointer.parse("/").tokens()).containsExactly("");
        assertThat(JsonPointer.parse("//").tokens()).containsExactly("", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "foo/bar", "#/foo", " /foo"})
    void textNotStartingWithSlashIsMalformed(String text) {
        assertThatThrownBy(() -> JsonPointer.parse(text))
            .isInstanceOfSatisfying(PatchException.class, e -> {
                assertThat(e.reason()).isEqualTo(PatchException.Reason.MALFORMED_PATCH);
                assertThat(e.path()).isEqualTo(text);
            })
            .hasMessageContaining("must be empty or start with '/'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a~", "/a~2", "/~a", "/a/~/b", "/~~0"})
    void tildeNotFollowedByZeroOrOneIsMalformed(String text) {
        assertThatThrownBy(() -> JsonPointer.parse(text))
            .isInstanceOfSatisfying(PatchException.class,
                e -> assertThat(e.reason()).isEqualTo(PatchException.Reason.MALFORMED_PATCH))
            .hasMessageContaining("'~' must be followed by '0' or '1'");
    }

    @Test
    void startsWithComparesWholeTokens() {
        JsonPointer data = JsonPointer.parse("/data");

        assertThat(JsonPointer.parse("/data/a").startsWith(data)).isTrue();
        assertThat(data.startsWith(data)).isTrue();
        assertThat(data.startsWith(JsonPointer.parse(""))).isTrue();
        assertThat(JsonPointer.parse("/data/a").startsWith(JsonPointer.parse("/data/ab"))).isFalse();
        assertThat(JsonPointer.parse("/data/ab").startsWith(JsonPointer.parse("/data/a"))).isFalse();
        assertThat(data.startsWith(JsonPointer.parse("/data/a"))).isFalse();
    }

    @Test
    void appendAndParentAreInverses() {
        JsonPointer data = JsonPointer.parse("/data");
        JsonPointer child = data.append("a/b");

        assertThat(child.toString()).isEqualTo("/data/a~1b");
        assertThat(child.parent()).isEqualTo(data);
        assertThat(data.parent().isRoot()).isTrue();
        assertThatThrownBy(() -> JsonPointer.parse("").parent()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pointersWithTheSameTokensAreEqual() {
        JsonPointer parsed = JsonPointer.parse("/a~1b/0");
        JsonPointer built = JsonPointer.of(List.of("a/b", "0"));

        assertThat(parsed).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(parsed).isNotEqualTo(JsonPointer.parse("/a/b/0"));
    }

    @Test
    void tokensCannotBeChangedFromOutside() {
        List<String> tokens = new ArrayList<>(List.of("a"));
        JsonPointer pointer = JsonPointer.of(tokens);
        tokens.add("b");

        assertThat(pointer.tokens()).containsExactly("a");
        assertThatThrownBy(() -> pointer.tokens().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/foo/2", "/foo/-", "/foo/01", "/foo/-1", "/foo/+1", "/foo/x", "/foo/0/x", "/nope",
        "/a~1b/c", "/foo/99999999999"})
    void findIsEmptyForLocationsThatDoNotExist(String pointer) {
        assertThat(JsonPointer.parse(pointer).find(RFC_DOCUMENT)).isEmpty();
    }

    @Test
    void findReturnsPresentNullMembers() {
        JsonNode doc = Json.parse("{\"a\":null}");

        assertThat(JsonPointer.parse("/a").find(doc)).contains(Json.parse("null"));
    }

    @Test
    void absenceIsExplainedAtTheFirstMissingStep() {
        JsonNode doc = Json.parse("{\"data\":{\"tags\":[\"x\"],\"name\":\"Ann\"}}");

        assertThat(JsonPointer.parse("/data/addres").explainAbsence(doc))
            .isEqualTo("its parent /data has no member 'addres'");
        assertThat(JsonPointer.parse("/other/x").explainAbsence(doc))
            .isEqualTo("the document root has no member 'other'");
        assertThat(JsonPointer.parse("/data/tags/3").explainAbsence(doc))
            .isEqualTo("its parent /data/tags is an array of 1 elements, so index 3 is out of range");
        assertThat(JsonPointer.parse("/data/tags/01").explainAbsence(doc))
            .isEqualTo("its parent /data/tags is an array, and '01' is not an array index");
        assertThat(JsonPointer.parse("/data/name/first/x").explainAbsence(doc))
            .isEqualTo("/data/name is a string, not an object or array");
    }
}
