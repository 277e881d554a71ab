package dev.custodian.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Holds every response a test receives to {@code openapi.json}: the operation the request
 * reached must list the status (exactly, or as a range such as {@code 4XX}), and a JSON body
 * must have a media type the response lists and match its schema (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses, checked by networknt's validator). A request no operation describes (an
 * unknown path, a method a path does not have) must be answered with a problem. A mismatch fails
 * the test that made the request, naming the operation, the status and what differs.
 * Thread-safe.
 */
public final class ResponseContract {
    static final String DOCUMENT = "dev/custodian/ops/openapi.json";
    private static final String PROBLEM = "application/problem+json";
    private static final String CONSOLE = "/console";
    /** Reads what the service may answer: numbers of any length (it stores what PostgreSQL's numeric holds). */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build()).build();
    private static final ResponseContract INSTANCE = new ResponseContract();

    private final JsonNode document;
    private final List<Operation> paths = new ArrayList<>();
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(OpenApi31.getInstance()).defaultMetaSchemaIri(OpenApi31.getInstance().getIri()));
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** A path template of the document and the pattern of the paths it stands for. */
    private record Operation(String template, Pattern pattern, int parameters) {
    }

    private ResponseContract() {
        try (InputStream in = ResponseContract.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            document = MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        document.get("paths").fieldNames().forEachRemaining(template -> paths.add(new Operation(template,
                Pattern.compile(template.replaceAll("\\{[^/]+}", "[^/]+")), template.split("\\{", -1).length - 1)));
        // A literal segment wins over a parameter: /health/ready before /health/{x}.
        paths.sort(Comparator.comparingInt(Operation::parameters));
    }

    public static ResponseContract instance() {
        return INSTANCE;
    }

    /** The whole document, as a test reads it. */
    public JsonNode document() {
        return document;
    }

    /** Fails with an AssertionError when the response is not one the document describes. */
    public void check(String method, String pathAndQuery, HttpResponse response) {
        String path = pathAndQuery.split("\\?", 2)[0].replaceAll("/{2,}", "/");
        String verb = method.equals("HEAD") ? "get" : method.toLowerCase(Locale.ROOT);
        Optional<String> template = paths.stream().filter(p -> p.pattern().matcher(path).matches())
                .map(Operation::template).filter(t -> document.get("paths").get(t).has(verb)).findFirst();
        if (template.isEmpty() && path.startsWith(CONSOLE) && response.status() < 400) {
            return; // the console's static files, served beside the routes, not through them
        }
        if (template.isEmpty()) {
            checkProblem(method + " " + path + " (no operation)", response);
            return;
        }
        String operation = method + " " + template.get();
        JsonNode responses = document.get("paths").get(template.get()).get(verb).get("responses");
        String status = Integer.toString(response.status());
        String key = responses.has(status) ? status : responses.has(status.charAt(0) + "XX") ? status.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (key == null) {
            throw new AssertionError("openapi.json lists no " + status + " for " + operation + ", which answered it: "
                    + response.body());
        }
        if (method.equals("HEAD") || response.body().isEmpty()) {
            return;
        }
        JsonNode described = resolve(responses.get(key));
        String media = mediaType(response);
        JsonNode content = described.path("content");
        Optional<String> listed = fieldNames(content).stream().filter(name -> withoutParameters(name).equals(media))
                .findFirst();
        if (listed.isEmpty()) {
            throw new AssertionError("openapi.json lists no " + media + " body for " + status + " of " + operation
                    + " (it lists " + fieldNames(content) + "): " + response.body());
        }
        if (media.endsWith("json")) {
            validate(operation + " " + status, schemaPointer(template.get(), verb, key, responses.get(key),
                    listed.get()), response);
        }
    }

    private void checkProblem(String what, HttpResponse response) {
        if (response.body().isEmpty()) {
            return;
        }
        if (!mediaType(response).equals(PROBLEM)) {
            throw new AssertionError(what + " answered " + response.status() + " with " + response.contentType()
                    + ", not a problem");
        }
        validate(what, "/components/schemas/Problem", response);
    }

    private void validate(String what, String pointer, HttpResponse response) {
        JsonSchema schema = compiled.computeIfAbsent(pointer,
                p -> schemas.getSchema(SchemaLocation.of("classpath:" + DOCUMENT + "#" + p)));
        Set<ValidationMessage> errors = schema.validate(parse(response.body()));
        if (!errors.isEmpty()) {
            throw new AssertionError("the body of " + what + " does not match openapi.json (" + pointer + "): "
                    + errors + "\nbody: " + response.body());
        }
    }

    /** Where the schema of a response's body is: in the operation, or in the shared response it refers to. */
    private String schemaPointer(String template, String verb, String key, JsonNode response, String media) {
        String base = response.has("$ref") ? response.get("$ref").asText().substring(1)
                : "/paths/" + escape(template) + "/" + verb + "/responses/" + escape(key);
        return base + "/content/" + escape(media) + "/schema";
    }

    private JsonNode resolve(JsonNode response) {
        return response.has("$ref") ? document.at(response.get("$ref").asText().substring(1)) : response;
    }

    private static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("the body is not JSON: " + body, e);
        }
    }

    private static String mediaType(HttpResponse response) {
        String type = response.contentType();
        return type == null ? "" : withoutParameters(type);
    }

    private static String withoutParameters(String mediaType) {
        return mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
