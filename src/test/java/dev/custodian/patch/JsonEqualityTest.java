package dev.custodian.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonEqualityTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        1                         => 1.0
        100                       => 1e2
        0.1                       => 0.10
        -0                        => 0
        2                         => 2.000
        {"a":1,"b":[1,{"c":2}]}   => {"b":[1.0,{"c":2}],"a":1}
        "x"                       => "x"
        null                      => null
        """)
    void equalValuesAreEqual(String a, String b) {
        assertThat(JsonEquality.equal(Json.parse(a), Json.parse(b))).isTrue();
        assertThat(JsonEquality.equal(Json.parse(b), Json.parse(a))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
        1            => "1"
        1            => 1.0000001
        [1,2]        => [2,1]
        [1]          => [1,1]
        {"a":1}      => {"a":1,"b":1}
        {"a":null}   => {"b":null}
        {"a":null}   => {}
        null         => false
        ""           => null
        0            => false
        """)
    void differentValuesAreNotEqual(String a, String b) {
        assertThat(JsonEquality.equal(Json.parse(a), Json.parse(b))).isFalse();
        assertThat(JsonEquality.equal(Json.parse(b), Json.parse(a))).isFalse();
    }

    @Test
    void numberNodesOfEveryKindCompareByValue() {
        assertThat(JsonEquality.equal(NODES.numberNode(7), NODES.numberNode(7L))).isTrue();
        assertThat(JsonEquality.equal(NODES.numberNode(BigInteger.TEN), NODES.numberNode(new BigDecimal("10.00")))).isTrue();
        assertThat(JsonEquality.equal(NODES.numberNode(2.5f), NODES.numberNode(2.5d))).isTrue();
    }

    @Test
    void nonFiniteNumbersBuiltInCodeDoNotBreakComparison() {
        assertThat(JsonEquality.equal(NODES.numberNode(Double.POSITIVE_INFINITY), NODES.numberNode(Double.POSITIVE_INFINITY)))
            .isTrue();
        assertThat(JsonEquality.equal(NODES.numberNode(Double.NaN), NODES.numberNode(1))).isFalse();
    }
}
