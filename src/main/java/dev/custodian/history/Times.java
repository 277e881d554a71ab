package dev.custodian.history;

import dev.custodian.http.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * RFC 3339 timestamps from requests (section 5.6: a date, 'T', a time, and a 'Z' or numeric
 * offset). Truncated to microseconds, the precision PostgreSQL stores, so a time copied from a
 * response selects exactly the change it names.
 */
final class Times {
    private Times() {
    }

    /** The instant {@code text} names; a 422 naming {@code parameter} when it is not RFC 3339. */
    static Instant parse(String parameter, String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.validation(parameter, "required: an RFC 3339 time such as 2026-11-26T09:05:00Z");
        }
        try {
            return parseOffsetTime(text.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.validation(parameter,
                    "must be an RFC 3339 time with an offset, such as 2026-11-26T09:05:00Z; got '" + text + "'");
        }
    }

    private static Instant parseOffsetTime(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            // An unencoded '+' in a query string arrives as a space: 09:05:00 01:00 meant +01:00.
            int space = text.lastIndexOf(' ');
            if (space > 10) {
                return parseOffsetTime(text.substring(0, space) + "+" + text.substring(space + 1));
            }
            throw e;
        }
    }
}
