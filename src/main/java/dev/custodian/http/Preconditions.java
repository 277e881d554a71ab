package dev.custodian.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Conditional requests (RFC 9110 section 13): reads {@code If-Match} for the writes, answers
 * {@code If-Match} and {@code If-None-Match} on reads, and writes the {@code ETag}. Our entity
 * tags are strong: the version in quotes, {@code "4"}.
 *
 * <p>{@code If-Match} uses strong comparison (section 13.1.1): {@code "4"} matches version 4,
 * a weak tag {@code W/"4"} matches nothing (412), and {@code *} matches any user that exists:
 * it sets no version, and a write of a missing user, which is a 404 without it, is a 412 with
 * it. The header must be {@code *} or one entity tag; anything else (a bare {@code 4}, a list)
 * is a malformed header, 400. Thread-safe (stateless).
 */
public final class Preconditions {
    private static final String IF_MATCH = "If-Match";
    private static final String IF_NONE_MATCH = "If-None-Match";
    /** entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (section 8.8.3). */
    private static final Pattern ENTITY_TAG = Pattern.compile("(W/)?\"([\\x21\\x23-\\x7e\\x80-\\xff]*)\"");
    private static final Pattern VERSION = Pattern.compile("[1-9]\\d{0,17}");

    private Preconditions() {
    }

    /** One entity tag as sent: whether it is weak, and what is between the quotes. */
    private record EntityTag(boolean weak, String opaque) {
    }

    /**
     * The version {@code If-Match} names; empty when there is no header or it is {@code *}.
     * Answers 412 for a tag that cannot match any version, 400 for a malformed header.
     */
    public static OptionalLong ifMatch(Context ctx) {
        String header = ctx.header(IF_MATCH);
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return OptionalLong.empty();
        }
        List<EntityTag> tags = entityTags(header).orElseThrow(() -> malformed(header,
                "write the entity tag in double quotes as the ETag has it, such as \"4\", or * for any existing resource"));
        if (tags.size() != 1) {
            throw malformed(header, "send one entity tag, the ETag of the version you read");
        }
        EntityTag tag = tags.get(0);
        if (tag.weak()) {
            throw new ApiException(ProblemType.PRECONDITION_FAILED, "If-Match: " + header.trim() + " is a weak entity"
                    + " tag, which never matches (RFC 9110 section 13.1.1 compares strongly); send the ETag as"
                    + " given, \"" + tag.opaque() + "\"");
        }
        if (!VERSION.matcher(tag.opaque()).matches()) {
            throw new ApiException(ProblemType.PRECONDITION_FAILED, "If-Match: " + header.trim()
                    + " matches no version; the ETag is a version number in quotes, such as \"4\"");
        }
        return OptionalLong.of(Long.parseLong(tag.opaque()));
    }

    /**
     * What to answer for {@code problem}: when it says the resource does not exist and the
     * request sent {@code If-Match: *}, which asks that it exist, the condition is false (412).
     */
    public static ApiException onMissing(Context ctx, ApiException problem) {
        String header = ctx.header(IF_MATCH);
        if (problem.type() != ProblemType.NOT_FOUND || header == null || !header.trim().equals("*")) {
            return problem;
        }
        return new ApiException(ProblemType.PRECONDITION_FAILED,
                "If-Match: * asks for an existing resource, and " + problem.getMessage());
    }

    /**
     * After a successful read that has an ETag, answers its conditions: {@code If-Match} that
     * does not match is a 412; {@code If-None-Match} that matches (weak comparison, section
     * 13.1.2) is a 304 with the ETag and no body, so that a client can revalidate what it holds.
     */
    public static void answerConditionalRead(Context ctx) {
        String etag = ctx.res().getHeader("ETag");
        if (ctx.method() != HandlerType.GET || ctx.statusCode() != 200 || etag == null) {
            return;
        }
        String current = etag.substring(1, etag.length() - 1);
        try {
            OptionalLong wanted = ifMatch(ctx);
            if (wanted.isPresent() && wanted.getAsLong() != Long.parseLong(current)) {
                throw new ApiException(ProblemType.PRECONDITION_FAILED, "If-Match: " + ctx.header(IF_MATCH).trim()
                        + " does not match the current version, \"" + current + "\"");
            }
        } catch (ApiException refused) {
            // Answered here: an exception thrown by an after-handler would skip the ones after it.
            ProblemResponses.respond(ctx, refused);
            return;
        }
        String ifNoneMatch = ctx.header(IF_NONE_MATCH);
        if (ifNoneMatch != null && matchesAny(ifNoneMatch, current)) {
            ctx.status(304).result(new byte[0]);
            ctx.res().setContentType(null);
        }
    }

    public static void etag(Context ctx, long version) {
        ctx.header("ETag", "\"" + version + "\"");
    }

    /** {@code ?dryRun=true}: the write is computed and reported but not made. */
    public static boolean dryRun(Context ctx) {
        return Params.flag(ctx, "dryRun");
    }

    /** Whether an {@code If-None-Match} value names {@code current}; a malformed value names nothing. */
    private static boolean matchesAny(String header, String current) {
        return header.trim().equals("*") || entityTags(header)
                .map(tags -> tags.stream().anyMatch(tag -> tag.opaque().equals(current)))
                .orElse(false);
    }

    /** The entity tags of a comma-separated list (section 5.6.1); empty when any of them is malformed. */
    private static Optional<List<EntityTag>> entityTags(String header) {
        var tags = new ArrayList<EntityTag>();
        for (String element : header.split(",", -1)) {
            var match = ENTITY_TAG.matcher(element.trim());
            if (!match.matches()) {
                return Optional.empty();
            }
            tags.add(new EntityTag(match.group(1) != null, match.group(2)));
        }
        return Optional.of(tags);
    }

    private static ApiException malformed(String header, String hint) {
        return new ApiException(ProblemType.BAD_REQUEST, "the header If-Match: " + header.trim() + " is malformed; "
                + hint + " (RFC 9110 section 13.1.1)");
    }
}
