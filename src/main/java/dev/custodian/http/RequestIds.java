package dev.custodian.http;

import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is sane (1 to 128
 * visible ASCII characters), a new UUID otherwise. The id is echoed in the response, put in
 * the logging context for every log line, and recorded with each change in history.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "custodian.requestId";
    private static final Pattern SANE = Pattern.compile("[\\x21-\\x7e]{1,128}");
    // One generator a thread: UUID.randomUUID() draws from one generator for the whole JVM,
    // behind a lock that requests queued on under load (measured). DRBG instances keep their
    // own state, each seeded from the system's entropy.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RequestIds::generator);

    private RequestIds() {
    }

    public static void assign(Context ctx) {
        String offered = ctx.header(HEADER);
        String id = offered != null && SANE.matcher(offered).matches() ? offered : newId();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("requestId", id);
    }

    /** A fresh id, for a request that offered none usable or never reached the routes. */
    static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4: random
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // the RFC 4122 variant
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no DRBG SecureRandom", e);
        }
    }

    public static void clear(Context ctx) {
        MDC.remove("requestId");
    }

    /** The request's id, or null before {@link #assign} ran. */
    public static String of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }
}
