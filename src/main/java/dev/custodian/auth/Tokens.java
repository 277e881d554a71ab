package dev.custodian.auth;

import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues, lists, revokes and checks API tokens. Only the SHA-256 of a token is stored, so the
 * table does not hold usable secrets. Checks are answered from a cache, since every request
 * needs one; the cache is trusted only while the database's revocation counter is unchanged
 * ({@link RevocationCounter}), so a revoked, expired or deleted token stops working within a
 * quarter of a second on every instance. The last use of a token is written at most once a
 * minute per instance, and only when the stored one is a minute old. Thread-safe.
 */
public final class Tokens {
    /** How often a token's last use is written; a list shows it to this precision. */
    static final Duration LAST_USE_EVERY = Duration.ofMinutes(1);
    private static final int CACHE_LIMIT = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Never digests anything itself; each hash works on a clone of it. MessageDigest.getInstance
     * looks the algorithm up among the security providers on every call, a visible share of a
     * read's CPU (Java Flight Recorder); a clone copies the empty state.
     */
    private static final MessageDigest SHA_256 = sha256Prototype();
    private static final WriteContext ISSUER = WriteContext.of("custodian:tokens", "");

    /** What every statement returns about a token; its one parameter is the time that decides "expired". */
    private static final String COLUMNS = """
            id, name, role, custodian_time(created_at) AS created_at, custodian_time(expires_at) AS expires_at,
                   custodian_time(last_used_at) AS last_used_at, custodian_time(revoked_at) AS revoked_at,
                   CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
                        WHEN expires_at <= ? THEN 'expired'
                        ELSE 'active' END AS status""";
    private static final String INSERT = """
            INSERT INTO api_tokens (name, role, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name) DO NOTHING
            RETURNING %s""".formatted(COLUMNS);
    private static final String INSERT_FIRST_ADMIN = """
            INSERT INTO api_tokens (name, role, token_sha256, created_at)
            SELECT ?, 'admin', ?, ? WHERE NOT EXISTS (SELECT 1 FROM api_tokens)
            ON CONFLICT (name) DO NOTHING
            """;
    private static final String LIST = """
            SELECT %s FROM api_tokens WHERE id > ? ORDER BY id LIMIT ?""".formatted(COLUMNS);
    private static final String LOCK_ACTIVE_ADMINS = """
            SELECT id FROM api_tokens
             WHERE role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
             ORDER BY id FOR UPDATE
            """;
    private static final String LOCK_BY_NAME = """
            SELECT %s FROM api_tokens WHERE name = ? FOR UPDATE""".formatted(COLUMNS);
    private static final String REVOKE = """
            UPDATE api_tokens SET revoked_at = ? WHERE id = ? RETURNING %s""".formatted(COLUMNS);
    /** The token and the counter in one statement, so both come from the same snapshot. */
    private static final String LOOKUP = """
            SELECT r.counter, t.id, t.name, t.role, t.expires_at, t.revoked_at
              FROM api_token_revocations AS r LEFT JOIN api_tokens AS t ON t.token_sha256 = ?
            """;
    private static final String RECORD_USE = """
            UPDATE api_tokens SET last_used_at = ?
             WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)
            """;

    private final Transactions transactions;
    private final Clock clock;
    private final RevocationCounter revocations;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Instant> lastUseWritten = new ConcurrentHashMap<>();

    /** A working token as loaded under a value of the revocation counter. */
    private record Cached(long id, Token token, Optional<Instant> expiresAt, long counter) {
    }

    public Tokens(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
        this.revocations = new RevocationCounter(transactions);
    }

    /** Creates a token; its secret is in the result and nowhere else. A dry run checks and stores nothing. */
    public IssuedToken create(TokenRequest request, boolean dryRun) {
        String secret = newSecret();
        Instant now = clock.instant();
        Transactions.Work<TokenInfo> insert = connection -> {
            try (var statement = connection.prepareStatement(INSERT)) {
                statement.setString(1, request.name());
                statement.setString(2, request.role().label());
                statement.setString(3, sha256(secret));
                statement.setObject(4, utc(now));
                statement.setObject(5, request.lifetime().map(lifetime -> utc(now.plus(lifetime))).orElse(null));
                statement.setObject(6, utc(now));
                return single(statement).orElseThrow(() -> new ApiException(ProblemType.CONFLICT, "a token named '"
                        + request.name() + "' exists or existed; names are never reused, so that history's"
                        + " actor token:" + request.name() + " names one token. Choose another name"));
            }
        };
        TokenInfo info = dryRun ? transactions.rehearse(ISSUER, insert) : transactions.write(ISSUER, insert);
        return new IssuedToken(dryRun ? null : secret, info);
    }

    /** Creates a token that lives until revoked; returns its secret. */
    public String create(String name, Role role) {
        return create(new TokenRequest(name, role, Optional.empty()), false).secret();
    }

    /** Creates the admin token named {@code name} if there is no token at all; empty otherwise. */
    public Optional<String> createFirstAdmin(String name) {
        String secret = newSecret();
        int inserted = transactions.write(ISSUER, connection -> {
            try (var statement = connection.prepareStatement(INSERT_FIRST_ADMIN)) {
                statement.setString(1, name);
                statement.setString(2, sha256(secret));
                statement.setObject(3, utc(clock.instant()));
                return statement.executeUpdate();
            }
        });
        return inserted == 1 ? Optional.of(secret) : Optional.empty();
    }

    /** Up to {@code limit} tokens after the one with id {@code afterId}, oldest first. */
    public List<TokenInfo> list(long afterId, int limit) {
        return transactions.autocommit(connection -> {
            try (var statement = connection.prepareStatement(LIST)) {
                statement.setObject(1, utc(clock.instant()));
                statement.setLong(2, afterId);
                statement.setInt(3, limit);
                var found = new ArrayList<TokenInfo>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(info(rows));
                    }
                }
                return found;
            }
        });
    }

    /**
     * Revokes the token named {@code name}: from now on it is refused, everywhere. Revoking a
     * revoked token changes nothing. The last working admin token is kept unless {@code force}:
     * without one, only the command line on the database's host can issue tokens again.
     */
    public TokenInfo revoke(String name, boolean force, boolean dryRun) {
        Instant now = clock.instant();
        Transactions.Work<TokenInfo> revoke = connection -> {
            // Admin rows first, in id order, then the named row: every revocation takes its
            // locks in the same order, so two at once wait for each other instead of deadlocking.
            int activeAdmins = lockActiveAdmins(connection, now);
            TokenInfo token = lockByName(connection, name, now)
                    .orElseThrow(() -> ApiException.notFound("no token named '" + name + "'"));
            if (token.status().equals("revoked")) {
                return token;
            }
            if (token.active() && token.role().equals(Role.ADMIN.label()) && activeAdmins <= 1 && !force) {
                throw new ApiException(ProblemType.CONFLICT, "'" + name + "' is the last working admin token;"
                        + " create another admin token first, or force it (?force=true, or --force on the command line)");
            }
            try (var statement = connection.prepareStatement(REVOKE)) {
                statement.setObject(1, utc(now));
                statement.setLong(2, token.id());
                statement.setObject(3, utc(now));
                return single(statement).orElseThrow();
            }
        };
        if (dryRun) {
            return transactions.rehearse(ISSUER, revoke);
        }
        TokenInfo revoked = transactions.write(ISSUER, revoke);
        revocations.forget();
        return revoked;
    }

    /**
     * The token holder behind {@code secret}; a 401 naming the reason when it is unknown,
     * revoked or expired.
     */
    public Token authenticate(String secret) {
        String hash = sha256(secret);
        Cached cached = cache.get(hash);
        if (cached == null || cached.counter() != revocations.current()) {
            cache.remove(hash);
            cached = load(hash);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(hash, cached);
        }
        Instant now = clock.instant();
        if (cached.expiresAt().isPresent() && !cached.expiresAt().get().isAfter(now)) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "token '" + cached.token().name() + "' expired at "
                    + cached.expiresAt().get() + "; ask an admin for a new one");
        }
        recordUseIfDue(cached.id(), now);
        return cached.token();
    }

    private Cached load(String hash) {
        long started = System.nanoTime();
        Cached found = transactions.autocommit(connection -> {
            try (var statement = connection.prepareStatement(LOOKUP)) {
                statement.setString(1, hash);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return cached(rows);
                }
            }
        });
        revocations.observe(found.counter(), started);
        return found;
    }

    private static Cached cached(ResultSet row) throws SQLException {
        if (row.getObject("id") == null) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "the token is not valid");
        }
        String name = row.getString("name");
        if (row.getObject("revoked_at") != null) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "token '" + name + "' was revoked; ask an admin for a new one");
        }
        var expiresAt = Optional.ofNullable(row.getObject("expires_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant);
        return new Cached(row.getLong("id"), new Token(name, Role.parse(row.getString("role"))), expiresAt,
                row.getLong("counter"));
    }

    /**
     * Writes the token's last use when this instance has not written it for a minute. The
     * statement itself skips a row another instance updated within the minute, so the row is
     * written about once a minute however many instances share the token.
     */
    private void recordUseIfDue(long id, Instant now) {
        Instant written = lastUseWritten.get(id);
        if (written != null && written.plus(LAST_USE_EVERY).isAfter(now)) {
            return;
        }
        boolean mine = written == null ? lastUseWritten.putIfAbsent(id, now) == null : lastUseWritten.replace(id, written, now);
        if (!mine) {
            return; // another request of this token is writing it
        }
        transactions.autocommit(connection -> {
            try (var statement = connection.prepareStatement(RECORD_USE)) {
                statement.setObject(1, utc(now));
                statement.setLong(2, id);
                statement.setObject(3, utc(now.minus(LAST_USE_EVERY)));
                return statement.executeUpdate();
            }
        });
    }

    private static int lockActiveAdmins(Connection connection, Instant now) throws SQLException {
        try (var statement = connection.prepareStatement(LOCK_ACTIVE_ADMINS)) {
            statement.setObject(1, utc(now));
            int count = 0;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    count++;
                }
            }
            return count;
        }
    }

    private static Optional<TokenInfo> lockByName(Connection connection, String name, Instant now) throws SQLException {
        try (var statement = connection.prepareStatement(LOCK_BY_NAME)) {
            statement.setObject(1, utc(now));
            statement.setString(2, name);
            return single(statement);
        }
    }

    private static Optional<TokenInfo> single(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(info(rows)) : Optional.empty();
        }
    }

    private static TokenInfo info(ResultSet row) throws SQLException {
        return new TokenInfo(row.getLong("id"), row.getString("name"), row.getString("role"), row.getString("status"),
                row.getString("created_at"), row.getString("expires_at"), row.getString("last_used_at"),
                row.getString("revoked_at"));
    }

    /** PgJDBC sends an OffsetDateTime as timestamptz, so the instant arrives unchanged. */
    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "cus_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            MessageDigest digest = (MessageDigest) SHA_256.clone();
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
