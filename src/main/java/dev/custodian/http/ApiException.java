package dev.custodian.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one exception family for errors a client caused or must know about: a problem type, a
 * detail a person can act on, field errors for validations, and extra members for the body
 * (for example the keys a write would lose). Rendered by {@link ProblemResponses}.
 */
public class ApiException extends RuntimeException {
    private final ProblemType type;
    private final int status;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    public ApiException(ProblemType type, String detail) {
        this(type, detail, List.of(), Map.of());
    }

    public ApiException(ProblemType type, String detail, List<FieldError> errors, Map<String, Object> extensions) {
        this(type, type.status(), detail, errors, extensions);
    }

    /** A problem answered with another status than its type's own: a request the server itself refused. */
    ApiException(ProblemType type, int status, String detail) {
        this(type, status, detail, List.of(), Map.of());
    }

    private ApiException(ProblemType type, int status, String detail, List<FieldError> errors,
                         Map<String, Object> extensions) {
        super(detail);
        this.type = type;
        this.status = status;
        this.errors = List.copyOf(errors);
        this.extensions = new LinkedHashMap<>(extensions);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(ProblemType.NOT_FOUND, detail);
    }

    public static ApiException validation(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).path() + ": " + errors.get(0).message()
                : errors.size() + " values are invalid; see 'errors'";
        return new ApiException(ProblemType.VALIDATION, detail, errors, Map.of());
    }

    public static ApiException validation(String path, String message) {
        return validation(List.of(new FieldError(path, message)));
    }

    public ProblemType type() {
        return type;
    }

    /** The HTTP status: the type's, unless the server itself refused the request with another. */
    public int status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return java.util.Collections.unmodifiableMap(extensions);
    }

    /** One invalid value: where it is (a JSON pointer into the request, or a parameter name) and why. */
    public record FieldError(String path, String message) {
    }
}
