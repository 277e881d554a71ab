package dev.custodian.http;

import io.javalin.http.Context;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the {@code If-Match} header (RFC 9110 section 13.1.1) as a version number, and writes
 * the {@code ETag}. Our entity tags are the version in quotes; weak tags and bare numbers are
 * accepted too, since clients often send what they were given without the quotes.
 */
public final class Preconditions {
    private static final Pattern TAG = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");

    private Preconditions() {
    }

    public static OptionalLong ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        if (header == null || header.isBlank()) {
            return OptionalLong.empty();
        }
        var match = TAG.matcher(header.trim());
        if (!match.matches()) {
            throw ApiException.validation("If-Match",
                    "must be the ETag of the resource, a version number in quotes such as \"4\"; got " + header.trim());
        }
        return OptionalLong.of(Long.parseLong(match.group(1)));
    }

    public static void etag(Context ctx, long version) {
        ctx.header("ETag", "\"" + version + "\"");
    }

    /** {@code ?dryRun=true}: the write is computed and reported but not made. */
    public static boolean dryRun(Context ctx) {
        return Params.flag(ctx, "dryRun");
    }
}
