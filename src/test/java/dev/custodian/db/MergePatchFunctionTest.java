package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The database's merge patch, which every merge patch of the service runs through, agrees with RFC 7396. */
class MergePatchFunctionTest {

    @ParameterizedTest(name = "{0} merged with {1}")
    @CsvSource(delimiter = '|', value = {
        // RFC 7396 Appendix A
        "{\"a\":\"b\"}                 | {\"a\":\"c\"}                  | {\"a\":\"c\"}",
        "{\"a\":\"b\"}                 | {\"b\":\"c\"}                  | {\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}                 | {\"a\":null}                   | {}",
        "{\"a\":\"b\",\"b\":\"c\"}     | {\"a\":null}                   | {\"b\":\"c\"}",
        "{\"a\":[\"b\"]}               | {\"a\":\"c\"}                  | {\"a\":\"c\"}",
        "{\"a\":\"c\"}                 | {\"a\":[\"b\"]}                | {\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}         | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}       | {\"a\":[1]}                    | {\"a\":[1]}",
        "{\"e\":null}                  | {\"a\":1}                      | {\"e\":null,\"a\":1}",
        "{}                            | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
        // the fast path's own cases: scalars and arrays over objects
        "{\"phone\":\"1\",\"address\":{\"city\":\"Oslo\"}} | {\"phone\":\"2\"} | {\"phone\":\"2\",\"address\":{\"city\":\"Oslo\"}}",
        "{\"address\":{\"city\":\"Oslo\"}}                 | {\"address\":\"x\",\"tags\":[1,2]} | {\"address\":\"x\",\"tags\":[1,2]}",
    })
    void mergesAsTheRfcAndTheServiceDo(String target, String patch, String expected) {
        Object merged = TestSql.value(TestDatabase.shared(), "SELECT custodian_merge_patch(?::jsonb, ?::jsonb)::text",
                target.trim(), patch.trim());

        JsonNode inDatabase = TestSql.parse(merged.toString());
        assertThat(inDatabase).isEqualTo(TestSql.parse(expected.trim()));
    }
}
