package dev.custodian.auth;

import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and looks up API tokens. Only the SHA-256 of a token is stored, so the table does not
 * hold usable secrets. Lookups are cached for a short while: every request needs one, and a
 * database round trip per request would halve throughput. Thread-safe.
 */
public final class Tokens {
    private static final Duration CACHE_FOR = Duration.ofSeconds(30);
    private static final int CACHE_LIMIT = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final WriteContext ISSUER = WriteContext.of("custodian:tokens", "");

    private static final String INSERT = """
            INSERT INTO api_tokens (name, role, token_sha256) VALUES (?, ?, ?)
            """;
    private static final String INSERT_FIRST_ADMIN = """
            INSERT INTO api_tokens (name, role, token_sha256)
            SELECT ?, 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM api_tokens)
            """;
    private static final String FIND = """
            SELECT name, role FROM api_tokens WHERE token_sha256 = ?
            """;

    private final Transactions transactions;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Token token, Instant until) {
    }

    public Tokens(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Creates a token and returns its secret, which is not stored and cannot be shown again. */
    public String create(String name, Role role) {
        String secret = newSecret();
        transactions.write(ISSUER, connection -> {
            try (var statement = connection.prepareStatement(INSERT)) {
                statement.setString(1, name);
                statement.setString(2, role.label());
                statement.setString(3, sha256(secret));
                return statement.executeUpdate();
            }
        });
        return secret;
    }

    /** Creates the admin token named {@code name} if there is no token at all; empty otherwise. */
    public Optional<String> createFirstAdmin(String name) {
        String secret = newSecret();
        int inserted = transactions.write(ISSUER, connection -> {
            try (var statement = connection.prepareStatement(INSERT_FIRST_ADMIN)) {
                statement.setString(1, name);
                statement.setString(2, sha256(secret));
                return statement.executeUpdate();
            }
        });
        return inserted == 1 ? Optional.of(secret) : Optional.empty();
    }

    public Optional<Token> find(String secret) {
        String hash = sha256(secret);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached != null && cached.until().isAfter(now)) {
            return Optional.of(cached.token());
        }
        Optional<Token> found = load(hash);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        found.ifPresent(token -> cache.put(hash, new Cached(token, now.plus(CACHE_FOR))));
        return found;
    }

    private Optional<Token> load(String hash) {
        return transactions.autocommit(connection -> {
            try (var statement = connection.prepareStatement(FIND)) {
                statement.setString(1, hash);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Token(rows.getString("name"), Role.parse(rows.getString("role"))))
                            : Optional.empty();
                }
            }
        });
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "cus_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
