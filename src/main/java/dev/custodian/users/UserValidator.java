package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.ApiException.FieldError;
import dev.custodian.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks what clients write: name (1 to 200 characters), email (an address, at most 254
 * characters), data (an object) and the known keys inside data: {@code phone} normalised to
 * E.164, {@code country} an ISO 3166-1 alpha-2 code (upper-cased), {@code postalCode} a
 * string. Every problem found is reported at once, as a 422 with one error per value.
 * Thread-safe.
 */
final class UserValidator {
    private static final Set<String> FIELDS = Set.of("name", "email", "data");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    // Deliberately permissive: one @, no spaces, a dot in the domain. Deliverability is the
    // mail system's job; this catches typing mistakes and swapped fields.
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+");

    private final PhoneNumbers phones;

    UserValidator(PhoneNumbers phones) {
        this.phones = phones;
    }

    /** A complete document (create, PUT), normalised. */
    UserDocument complete(JsonNode body) {
        var errors = new ArrayList<FieldError>();
        if (!body.isObject()) {
            throw ApiException.validation("", "the body must be a JSON object with name, email and data");
        }
        unknownFields(body, errors);
        String name = name(body.get("name"), errors);
        String email = email(body.get("email"), errors);
        ObjectNode data = body.has("data") ? data(body.get("data"), null, errors) : Json.MAPPER.createObjectNode();
        failIfAny(errors);
        return new UserDocument(name, email, data);
    }

    /**
     * A merge patch, normalised: members must be known, name and email cannot be removed,
     * data must stay an object; known data keys are checked when the patch sets them.
     */
    ObjectNode mergePatch(JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.validation("", "a merge patch of a user must be a JSON object such as {\"data\": {\"phone\": \"+14155550123\"}}");
        }
        var errors = new ArrayList<FieldError>();
        unknownFields(patch, errors);
        ObjectNode normalised = ((ObjectNode) patch).deepCopy();
        if (patch.has("name")) {
            normalised.put("name", name(patch.get("name"), errors));
        }
        if (patch.has("email")) {
            normalised.put("email", email(patch.get("email"), errors));
        }
        if (patch.has("data")) {
            normalised.set("data", data(patch.get("data"), null, errors));
        }
        failIfAny(errors);
        return normalised;
    }

    /**
     * The result of a JSON patch or revert, normalised. Known data keys are checked only where
     * they differ from {@code before}, so a value another writer stored does not block
     * unrelated changes.
     */
    UserDocument changed(JsonNode after, UserDocument before) {
        if (!after.isObject()) {
            throw ApiException.validation("", "the user must stay a JSON object with name, email and data");
        }
        var errors = new ArrayList<FieldError>();
        unknownFields(after, errors);
        String name = name(after.get("name"), errors);
        String email = email(after.get("email"), errors);
        ObjectNode data = data(after.get("data"), before.data(), errors);
        failIfAny(errors);
        return new UserDocument(name, email, data);
    }

    /** The body of the phone route, {@code {"phonenumber": "..."}}, as E.164. */
    String phoneNumber(JsonNode body) {
        JsonNode value = body.get("phonenumber");
        if (value == null || !value.isTextual()) {
            throw ApiException.validation("/phonenumber", "required: the phone number as a string, such as \"+14155550123\"");
        }
        var errors = new ArrayList<FieldError>();
        String e164 = phone("/phonenumber", value, errors);
        failIfAny(errors);
        return e164;
    }

    private static void unknownFields(JsonNode body, List<FieldError> errors) {
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError("/" + field, "unknown field; a user has name, email and data (put anything else inside data)"));
            }
        });
    }

    private static String name(JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            errors.add(new FieldError("/name", "required: a name of 1 to 200 characters"));
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().codePointCount(0, value.asText().length()) > 200) {
            errors.add(new FieldError("/name", "must be a string of 1 to 200 characters"));
            return null;
        }
        return value.asText();
    }

    private static String email(JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            errors.add(new FieldError("/email", "required: an email address such as ada@example.com"));
            return null;
        }
        if (!value.isTextual() || value.asText().length() > 254 || !EMAIL.matcher(value.asText()).matches()) {
            errors.add(new FieldError("/email", "must be an email address such as ada@example.com"));
            return null;
        }
        return value.asText();
    }

    private ObjectNode data(JsonNode value, ObjectNode before, List<FieldError> errors) {
        if (value == null || !value.isObject()) {
            errors.add(new FieldError("/data", "must be a JSON object; to remove keys, set them to null in a merge patch"));
            return Json.MAPPER.createObjectNode();
        }
        ObjectNode data = ((ObjectNode) value).deepCopy();
        checkKnownKey(data, before, "phone", (path, v) -> phone(path, v, errors));
        checkKnownKey(data, before, "country", (path, v) -> country(path, v, errors));
        checkKnownKey(data, before, "postalCode", (path, v) -> postalCode(path, v, errors));
        return data;
    }

    private interface KeyCheck {
        String normalise(String path, JsonNode value);
    }

    /** Checks and normalises data[key] when present, not null, and changed since {@code before}. */
    private static void checkKnownKey(ObjectNode data, ObjectNode before, String key, KeyCheck check) {
        JsonNode value = data.get(key);
        if (value == null || value.isNull() || (before != null && value.equals(before.get(key)))) {
            return;
        }
        String normalised = check.normalise("/data/" + key, value);
        if (normalised != null) {
            data.set(key, TextNode.valueOf(normalised));
        }
    }

    private String phone(String path, JsonNode value, List<FieldError> errors) {
        if (!value.isTextual()) {
            errors.add(new FieldError(path, "must be a phone number as a string, such as \"+14155550123\""));
            return null;
        }
        return phones.toE164(value.asText()).orElseGet(() -> {
            errors.add(new FieldError(path, "'" + value.asText() + "' is not a valid phone number (numbers without"
                    + " a +country code are read as " + phones.defaultRegion() + ")"));
            return null;
        });
    }

    private static String country(String path, JsonNode value, List<FieldError> errors) {
        String code = value.isTextual() ? value.asText().toUpperCase(Locale.ROOT) : "";
        if (!COUNTRIES.contains(code)) {
            errors.add(new FieldError(path, "must be an ISO 3166-1 alpha-2 country code such as \"US\" or \"DE\""));
            return null;
        }
        return code;
    }

    private static String postalCode(String path, JsonNode value, List<FieldError> errors) {
        if (!value.isTextual()) {
            errors.add(new FieldError(path, "must be a string (postal codes can have leading zeros and letters)"));
        }
        return null;
    }

    private static void failIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }
}
