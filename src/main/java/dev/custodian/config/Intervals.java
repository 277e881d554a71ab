package dev.custodian.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Lengths of time as people write them: a whole number and a unit, {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 30m}, {@code 12h}, {@code 90d}).
 * Settings and token lifetimes read them the same way. Thread-safe (stateless).
 */
public final class Intervals {
    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private Intervals() {
    }

    /** The positive duration {@code text} names; empty when it is not one (callers name the setting). */
    public static Optional<Duration> parse(String text) {
        var match = INTERVAL.matcher(text.trim());
        if (!match.matches() || Long.parseLong(match.group(1)) == 0) {
            return Optional.empty();
        }
        long number = Long.parseLong(match.group(1));
        return Optional.of(switch (match.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(number);
            case "s" -> Duration.ofSeconds(number);
            case "m" -> Duration.ofMinutes(number);
            case "h" -> Duration.ofHours(number);
            default -> Duration.ofDays(number);
        });
    }
}
