package dev.custodian.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The one JSON configuration of the service: strict on input (no duplicate keys, at most
 * {@value #MAX_DEPTH} levels of nesting, no trailing content, numbers kept exact, nothing
 * PostgreSQL would store otherwise than sent) and plain on output. Thread-safe.
 */
public final class Json {
    public static final int MAX_DEPTH = 64;
    private static final int MAX_NUMBER_DIGITS = 1000;
    private static final int MAX_KEY_LENGTH = 50_000;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_DIGITS)
                            .maxNameLength(MAX_KEY_LENGTH)
                            .build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * For JSON the database stored: any client (psql, an ORM) may have written it, so it is
     * read without the request limits; jsonb itself bounds what it holds.
     */
    private static final ObjectMapper STORED = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(Integer.MAX_VALUE)
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNumberLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    /**
     * Parses a request body, turning every syntax problem into a 400 that says where it is, and
     * refusing what PostgreSQL could not store as sent ({@link StorableJson}).
     */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "the request body is empty; send a JSON document");
        }
        JsonNode tree = read(body);
        StorableJson.check(tree);
        return tree;
    }

    private static JsonNode read(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw malformed(e, "the JSON goes past a limit: at most " + MAX_DEPTH + " levels of nesting, numbers of at"
                    + " most " + MAX_NUMBER_DIGITS + " digits, keys of at most " + MAX_KEY_LENGTH + " characters" + at(e));
        } catch (JsonProcessingException e) {
            throw malformed(e, "the body is not valid JSON: " + describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON the service or the database produced; a failure here is a bug, not bad input. */
    public static JsonNode parseTrusted(String text) {
        try {
            return STORED.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON could not be read", e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    private static ApiException malformed(JsonProcessingException e, String detail) {
        return new ApiException(ProblemType.MALFORMED_JSON, detail,
                List.of(new ApiException.FieldError(placeOf(e), detail)), Map.of());
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int cut = message.indexOf('\n');
        return (cut < 0 ? message : message.substring(0, cut)) + at(e);
    }

    /**
     * The JSON Pointer of the innermost object or array being read when parsing stopped; the
     * line and column in the message say where inside it. (The parser's position within that
     * container is not exact: text is decoded lazily, and a failed key leaves the one before.)
     */
    private static String placeOf(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser) || parser.getParsingContext().inRoot()) {
            return "";
        }
        return parser.getParsingContext().getParent().pathAsPointer().toString();
    }

    private static String at(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
