package dev.custodian.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.config.Intervals;
import dev.custodian.http.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A token to issue: its name, its role and how long it lives (empty: until revoked). Read from
 * the command line or from {@code POST /admin/tokens}, checked the same way: a 422 naming each
 * invalid value. Immutable.
 */
public record TokenRequest(String name, Role role, Optional<Duration> lifetime) {
    /** The names api_tokens accepts (its CHECK constraint); checked here first for a clearer message. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Far beyond any sensible lifetime, and well inside what timestamptz can hold. */
    private static final Duration LONGEST = Duration.ofDays(36_500);
    private static final Set<String> FIELDS = Set.of("name", "role", "expires", "dryRun");

    /** Checks the three values as given on the command line or in a body; {@code expires} may be null. */
    public static TokenRequest of(String name, String role, String expires) {
        var errors = new ArrayList<ApiException.FieldError>();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new ApiException.FieldError("/name",
                    "required: 1 to 64 letters, digits, '.', '_' or '-' (it is recorded as the actor token:<name>)"));
        }
        Role parsed = null;
        try {
            parsed = Role.parse(role);
        } catch (IllegalArgumentException e) {
            errors.add(new ApiException.FieldError("/role", e.getMessage()));
        }
        Optional<Duration> lifetime = expires == null ? Optional.empty() : Intervals.parse(expires);
        if (expires != null && (lifetime.isEmpty() || lifetime.get().compareTo(LONGEST) > 0)) {
            errors.add(new ApiException.FieldError("/expires", "a lifetime such as 90d, 30d or 12h (at most 36500d),"
                    + " or leave it out for a token that lives until revoked; got '" + expires + "'"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new TokenRequest(name, parsed, lifetime);
    }

    /** The body of {@code POST /admin/tokens}: {@code {"name", "role", "expires"?, "dryRun"?}}. */
    static TokenRequest fromJson(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.validation("/" + field, "unknown field; a token has name, role and expires");
            }
        }
        List<ApiException.FieldError> notText = new ArrayList<>();
        for (String field : List.of("name", "role", "expires")) {
            JsonNode value = body.get(field);
            if (value != null && !value.isTextual() && !(field.equals("expires") && value.isNull())) {
                notText.add(new ApiException.FieldError("/" + field, "must be a string"));
            }
        }
        if (!notText.isEmpty()) {
            throw ApiException.validation(notText);
        }
        JsonNode expires = body.get("expires");
        return of(body.path("name").textValue(), body.path("role").textValue(),
                expires == null || expires.isNull() ? null : expires.textValue());
    }
}
