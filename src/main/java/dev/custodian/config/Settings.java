package dev.custodian.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the service can be told, as one immutable value. Built by {@link #fromEnvironment}
 * from {@code CUSTODIAN_*} variables, with command-line flags layered on top by the caller.
 * Thread-safe (immutable).
 *
 * @param httpHost      address to listen on ({@code CUSTODIAN_HTTP_HOST})
 * @param httpPort      port to listen on, 0 for any free port ({@code CUSTODIAN_HTTP_PORT})
 * @param databaseUrl   external PostgreSQL, or empty for the embedded one ({@code CUSTODIAN_DATABASE_URL})
 * @param dataDir       embedded database, backups and the first admin token ({@code CUSTODIAN_DATA_DIR})
 * @param maxBodyBytes  largest request body accepted ({@code CUSTODIAN_MAX_BODY})
 * @param defaultRegion region for phone numbers written without a country code ({@code CUSTODIAN_DEFAULT_REGION})
 * @param poolSize      database connections ({@code CUSTODIAN_DB_POOL_SIZE}, default {@link #defaultPoolSize})
 * @param statementTimeout longest any one SQL statement of a request may run before it is cancelled
 *                      ({@code CUSTODIAN_STATEMENT_TIMEOUT}); backups, restores and migrations are exempt
 * @param backupDir     where backup files live ({@code CUSTODIAN_BACKUP_DIR}, default {@code <data dir>/backups})
 * @param backupEvery   interval of scheduled backups, empty when off ({@code CUSTODIAN_BACKUP_EVERY})
 * @param backupKeep    scheduled backups kept ({@code CUSTODIAN_BACKUP_KEEP})
 * @param backupMaxAge  backups of every kind older than this are deleted, except the newest verified one;
 *                      empty when off ({@code CUSTODIAN_BACKUP_MAX_AGE})
 * @param databaseWait  how long start waits for an external database to accept a connection ({@code CUSTODIAN_DB_WAIT})
 * @param historyKeep   how long history is kept in full, empty to keep everything ({@code CUSTODIAN_HISTORY_KEEP})
 * @param historyCompactEvery how often history older than {@code historyKeep} is compacted
 *                      ({@code CUSTODIAN_HISTORY_COMPACT_EVERY})
 * @param jobThreshold  users a rollback or full restore may go through and still answer in the request;
 *                      above, it runs as a job ({@code CUSTODIAN_JOB_THRESHOLD})
 */
public record Settings(
        String httpHost,
        int httpPort,
        Optional<DatabaseUrl> databaseUrl,
        Path dataDir,
        long maxBodyBytes,
        String defaultRegion,
        int poolSize,
        Duration statementTimeout,
        Path backupDir,
        Optional<Duration> backupEvery,
        int backupKeep,
        Optional<Duration> backupMaxAge,
        Duration databaseWait,
        Optional<Duration> historyKeep,
        Duration historyCompactEvery,
        long jobThreshold) {

    public static final String HTTP_HOST = "CUSTODIAN_HTTP_HOST";
    public static final String HTTP_PORT = "CUSTODIAN_HTTP_PORT";
    public static final String DATABASE_URL = "CUSTODIAN_DATABASE_URL";
    public static final String DATA_DIR = "CUSTODIAN_DATA_DIR";
    public static final String MAX_BODY = "CUSTODIAN_MAX_BODY";
    public static final String DEFAULT_REGION = "CUSTODIAN_DEFAULT_REGION";
    public static final String POOL_SIZE = "CUSTODIAN_DB_POOL_SIZE";
    public static final String STATEMENT_TIMEOUT = "CUSTODIAN_STATEMENT_TIMEOUT";
    public static final String BACKUP_DIR = "CUSTODIAN_BACKUP_DIR";
    public static final String BACKUP_EVERY = "CUSTODIAN_BACKUP_EVERY";
    public static final String BACKUP_KEEP = "CUSTODIAN_BACKUP_KEEP";
    public static final String BACKUP_MAX_AGE = "CUSTODIAN_BACKUP_MAX_AGE";
    /**
     * GDPR art. 12(3) gives a month to answer an erasure request: backups holding an erased
     * person's values are gone within that month. Longer than the default schedule keeps its
     * seven daily backups, so the default pruning by count is unaffected.
     */
    private static final String DEFAULT_BACKUP_MAX_AGE = "30d";
    public static final String DB_WAIT = "CUSTODIAN_DB_WAIT";
    public static final String HISTORY_KEEP = "CUSTODIAN_HISTORY_KEEP";
    public static final String HISTORY_COMPACT_EVERY = "CUSTODIAN_HISTORY_COMPACT_EVERY";
    public static final String JOB_THRESHOLD = "CUSTODIAN_JOB_THRESHOLD";
    /** About two seconds of rollback on a loaded development machine; docs/operations.md (Jobs) has the measurement. */
    private static final int DEFAULT_JOB_THRESHOLD = 500;
    /** PostgreSQL's statement_timeout is an int of milliseconds; a day is far beyond any request. */
    private static final Duration LONGEST_STATEMENT_TIMEOUT = Duration.ofDays(1);
    /** Read by logback.xml itself, which picks its appender by this name; checked here only. */
    public static final String LOG_FORMAT = "CUSTODIAN_LOG_FORMAT";

    public Settings {
        if (httpPort < 0 || httpPort > 65535) {
            throw new SettingsException(HTTP_PORT + " (or --port) must be a port number from 0 to 65535, got " + httpPort);
        }
        if (maxBodyBytes < 1024) {
            throw new SettingsException(MAX_BODY + " must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (!defaultRegion.matches("[A-Z]{2}")) {
            throw new SettingsException(DEFAULT_REGION + " must be an ISO 3166-1 alpha-2 code such as US, got '" + defaultRegion + "'");
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new SettingsException(POOL_SIZE + " must be from 1 to 200, got " + poolSize);
        }
        if (statementTimeout.toMillis() < 1 || statementTimeout.compareTo(LONGEST_STATEMENT_TIMEOUT) > 0) {
            throw new SettingsException(STATEMENT_TIMEOUT + " (--statement-timeout) must be from 1ms to 24h, got "
                    + statementTimeout.toMillis() + "ms");
        }
        if (jobThreshold < 0) {
            throw new SettingsException(JOB_THRESHOLD + " must be 0 or more users, got " + jobThreshold);
        }
        if (backupKeep < 1) {
            throw new SettingsException(BACKUP_KEEP + " must be at least 1, got " + backupKeep);
        }
    }

    /**
     * Database connections for a machine with this many processors: twice as many plus two,
     * from 4 to 16. Each transaction of a write spends most of its time on a processor, in the
     * service or in PostgreSQL; beyond a few per processor they only take turns, and the turns
     * are what the slowest requests wait for (measured on 2 processors, docs/operations.md,
     * "Connection pool": p99 of writes a third lower with 6 than with 16, at the same rate).
     * 16 stays the most, as before, for a database that other instances and applications share.
     */
    public static int defaultPoolSize(int processors) {
        return Math.min(16, Math.max(4, 2 * processors + 2));
    }

    /** Reads settings from environment variables, using the documented default for each one missing. */
    public static Settings fromEnvironment(Map<String, String> env) {
        var reader = new SettingReader(env);
        reader.oneOf(LOG_FORMAT, "text", "json");
        Path dataDir = Path.of(reader.text(DATA_DIR, "./custodian-data"));
        return new Settings(
                reader.text(HTTP_HOST, "127.0.0.1"),
                reader.integer(HTTP_PORT, 8080),
                reader.optional(DATABASE_URL).map(url -> DatabaseUrl.parse(DATABASE_URL, url)),
                dataDir,
                reader.bytes(MAX_BODY, 1024 * 1024),
                reader.text(DEFAULT_REGION, "US").toUpperCase(Locale.ROOT),
                reader.integer(POOL_SIZE, defaultPoolSize(Runtime.getRuntime().availableProcessors())),
                reader.duration(STATEMENT_TIMEOUT, "5s"),
                reader.optional(BACKUP_DIR).map(Path::of).orElse(dataDir.resolve("backups")),
                reader.interval(BACKUP_EVERY, "24h"),
                reader.integer(BACKUP_KEEP, 7),
                reader.interval(BACKUP_MAX_AGE, DEFAULT_BACKUP_MAX_AGE),
                reader.interval(DB_WAIT, "30s").orElse(Duration.ZERO),
                reader.days(HISTORY_KEEP),
                reader.duration(HISTORY_COMPACT_EVERY, "1h"),
                reader.integer(JOB_THRESHOLD, DEFAULT_JOB_THRESHOLD));
    }

    public Settings withHttp(String host, int port) {
        return new Settings(host, port, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    public Settings withDatabaseUrl(Optional<DatabaseUrl> url) {
        return new Settings(httpHost, httpPort, url, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    public Settings withDataDir(Path dir) {
        return new Settings(httpHost, httpPort, databaseUrl, dir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout,
                backupDir.startsWith(dataDir) ? dir.resolve(dataDir.relativize(backupDir)) : backupDir,
                backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    public Settings withBackups(Path dir, Optional<Duration> every, int keep) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, dir, every, keep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    public Settings withBackupMaxAge(Optional<Duration> maxAge) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, maxAge, databaseWait, historyKeep, historyCompactEvery,
                jobThreshold);
    }

    public Settings withHistoryRetention(Optional<Duration> keep, Duration compactEvery) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, keep, compactEvery, jobThreshold);
    }

    public Settings withMaxBodyBytes(long bytes) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, bytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    public Settings withJobThreshold(long users) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                statementTimeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery,
                users);
    }

    public Settings withStatementTimeout(Duration timeout) {
        return new Settings(httpHost, httpPort, databaseUrl, dataDir, maxBodyBytes, defaultRegion, poolSize,
                timeout, backupDir, backupEvery, backupKeep, backupMaxAge, databaseWait, historyKeep, historyCompactEvery, jobThreshold);
    }

    /** Reads a time such as {@code 500ms} or {@code 5s} given under {@code setting} (a flag). */
    public static Duration duration(String setting, String text) {
        return SettingReader.parseDuration(setting, text);
    }
}
