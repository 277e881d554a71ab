package dev.custodian.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads typed values out of a string map, naming the variable in every error. */
final class SettingReader {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?", Pattern.CASE_INSENSITIVE);

    private static final Pattern DAYS = Pattern.compile("(\\d{1,6})\\s*d", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;

    SettingReader(Map<String, String> values) {
        this.values = values;
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    String text(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /** Fails naming the variable unless it is unset or one of the choices, the first being the default. */
    String oneOf(String name, String... choices) {
        String text = text(name, choices[0]);
        if (!List.of(choices).contains(text)) {
            throw new SettingsException(name + " must be one of " + String.join(", ", choices) + ", got '" + text + "'");
        }
        return text;
    }

    int integer(String name, int fallback) {
        String text = text(name, Integer.toString(fallback));
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SettingsException(name + " must be a whole number, got '" + text + "'");
        }
    }

    long bytes(String name, long fallback) {
        return optional(name).map(text -> parseBytes(name, text)).orElse(fallback);
    }

    Optional<Duration> interval(String name, String fallback) {
        return parseInterval(name, text(name, fallback));
    }

    /**
     * A whole number of days such as {@code 400d}; empty when unset. Only days: a retention
     * written {@code 400m} would otherwise mean minutes and compact nearly all history.
     */
    Optional<Duration> days(String name) {
        return optional(name).map(text -> {
            var match = DAYS.matcher(text);
            if (!match.matches() || Long.parseLong(match.group(1)) == 0) {
                throw new SettingsException(name + " must be a number of days such as 400d (leave it unset to keep"
                        + " all history), got '" + text + "'");
            }
            return Duration.ofDays(Long.parseLong(match.group(1)));
        });
    }

    Duration duration(String name, String fallback) {
        return parseDuration(name, text(name, fallback));
    }

    static long parseBytes(String name, String text) {
        var match = SIZE.matcher(text.trim());
        if (!match.matches()) {
            throw new SettingsException(name + " must be a size such as 1048576, 512k or 1m, got '" + text + "'");
        }
        long number = Long.parseLong(match.group(1));
        String unit = match.group(2) == null ? "b" : match.group(2).toLowerCase(Locale.ROOT);
        return switch (unit.charAt(0)) {
            case 'k' -> number * 1024;
            case 'm' -> number * 1024 * 1024;
            default -> number;
        };
    }

    /** "off" (or "0") disables; otherwise an interval such as 30m, 6h or 1d ({@link Intervals}). */
    static Optional<Duration> parseInterval(String name, String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("off") || trimmed.equals("0")) {
            return Optional.empty();
        }
        return Optional.of(Intervals.parse(trimmed).orElseThrow(() -> new SettingsException(
                name + " must be 'off' or an interval such as 30m, 6h or 1d, got '" + text + "'")));
    }

    /** A number above zero with a unit: ms, s, m, h or d; there is no "off". */
    static Duration parseDuration(String name, String text) {
        return Intervals.parse(text).orElseThrow(() -> new SettingsException(
                name + " must be a time such as 500ms, 5s or 1m, got '" + text.trim() + "'"));
    }
}
