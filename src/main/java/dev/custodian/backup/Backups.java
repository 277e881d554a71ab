package dev.custodian.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.Transactions;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.db.WriteContext;
import dev.custodian.jobs.JobKind;
import dev.custodian.jobs.JobRequest;
import dev.custodian.jobs.PlannedJob;
import dev.custodian.jobs.ProgressListener;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one can do with backups, for the HTTP routes, the command line and the schedule:
 * create, list, show, verify, restore, prune. Representations are the JSON the API returns.
 * Thread-safe.
 */
public final class Backups {
    private static final Logger log = LoggerFactory.getLogger(Backups.class);
    /** Names the schedule gives; only files named so (and saying so in their manifest) are pruned. */
    private static final Pattern SCHEDULED_ID = Pattern.compile("\\d{8}T\\d{9}Z-scheduled(-\\d+)?");

    private final BackupFiles files;
    private final BackupWriter writer;
    private final Verifier verifier;
    private final Restorer restorer;
    private final Clock clock;
    /** Backups this instance deleted for their age since it started: custodian_backups_expired_total. */
    private final AtomicLong expired = new AtomicLong();

    public Backups(Path directory, Transactions transactions, Clock clock) {
        this.clock = clock;
        this.files = new BackupFiles(directory);
        this.writer = new BackupWriter(transactions, files);
        this.verifier = new Verifier(transactions, clock);
        this.restorer = new Restorer(transactions, new TrackedWrites(transactions, TrackedTable.USERS));
    }

    /** Takes a backup now; returns its representation (the manifest with id and size). */
    public ObjectNode create(BackupKind kind) {
        BackupWriter.Written written = writer.write(kind);
        log.info("backup {} written: {} users, {} history entries, {} erasure register entries", written.id(),
                written.manifest().users(), written.manifest().changes(), written.manifest().erasures());
        return representation(written.id(), written.manifest());
    }

    /** What a backup taken now would hold, without writing it. */
    public ObjectNode preview() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("dryRun", true);
        List<Section> sections = writer.preview();
        node.put("users", sections.stream().filter(s -> s.table().equals("users")).mapToLong(Section::rows).sum());
        node.put("changes", sections.stream().filter(s -> s.table().equals("user_changes")).mapToLong(Section::rows).sum());
        return node;
    }

    /** Backups by id, newest first: {@code {"items", "next"}}; {@code after} is the previous page's next. */
    public ObjectNode list(int limit, String after) {
        List<String> ids = files.ids().stream().filter(id -> after == null || id.compareTo(after) < 0).toList();
        ObjectNode page = Json.MAPPER.createObjectNode();
        var items = page.putArray("items");
        // A file pruned or removed between listing the folder and reading it is left out.
        ids.stream().limit(limit).map(this::listItem).flatMap(Optional::stream).forEach(items::add);
        if (ids.size() > limit) {
            page.put("next", ids.get(limit - 1));
        } else {
            page.putNull("next");
        }
        return page;
    }

    /**
     * The ids of the readable backups taken at or after {@code since}, newest first: the files
     * that may hold what was recorded since then. Reads manifests only.
     */
    public List<String> takenSince(Instant since) {
        var ids = new ArrayList<String>();
        list(Integer.MAX_VALUE - 1, null).get("items").forEach(item -> {
            if (item.has("createdAt") && !Instant.parse(item.get("createdAt").asText()).isBefore(since)) {
                ids.add(item.get("id").asText());
            }
        });
        return ids;
    }

    /** One backup's representation; 404 when missing, 422 when its manifest cannot be read. */
    public ObjectNode show(String id) {
        return representation(id, BackupReader.manifest(id, files.existing(id)));
    }

    /** Verifies a backup and keeps the report beside it; never throws for an invalid file. */
    public VerificationReport verify(String id) {
        VerificationReport report = verifier.verify(id, files.existing(id));
        try {
            files.writeVerification(id, Json.write(report.toJson()));
        } catch (IOException e) {
            log.warn("could not keep the verification report of backup {}", id, e);
        }
        if (report.ok()) {
            log.info("backup {} verified", id);
        } else {
            log.warn("backup {} failed verification: {}", id, report.firstFailure().orElseThrow().detail());
        }
        return report;
    }

    /** Restores a backup, or one user of it; see {@link RestoreRequest} and {@link Restorer}. */
    public RestoreReport restore(String id, WriteContext context, RestoreRequest request, ProgressListener progress) {
        RestoreReport report = restorer.restore(id, files.existing(id), context, request,
                () -> writer.write(BackupKind.SAFETY).id(), progress);
        if (!request.dryRun()) {
            log.info("backup {} restored{} by {} (request {}): {} restored, {} created, {} soft-deleted,"
                            + " {} differing users kept; safety backup {}", id,
                    request.userId() == null ? "" : " for user " + request.userId(), context.actor(),
                    context.requestId(), report.restored(), report.created(), report.softDeleted(), report.keptCount(),
                    report.safetyBackupId());
        }
        return report;
    }

    /**
     * A restore as a job to run: the users it goes through, as far as known before it runs, and
     * the restore itself. 404 when the backup is missing, 422 when its manifest cannot be read.
     */
    public PlannedJob restoreJob(String id, WriteContext context, RestoreRequest request) {
        Manifest manifest = BackupReader.manifest(id, files.existing(id));
        var job = new JobRequest(JobKind.RESTORE, context.actor(), context.requestId(), request.toJson(id),
                restorer.users(manifest, request));
        return new PlannedJob(job, progress -> restore(id, context, request, progress).toJson());
    }

    /** A scheduled backup: its id and when it was taken. */
    record Scheduled(String id, Instant createdAt) {
    }

    /** Scheduled backups that can be read, newest first. */
    List<Scheduled> scheduled() {
        var found = new ArrayList<Scheduled>();
        for (String id : files.ids()) {
            if (!SCHEDULED_ID.matcher(id).matches()) {
                continue;
            }
            try {
                Manifest manifest = BackupReader.manifest(id, files.existing(id));
                if (manifest.kind() == BackupKind.SCHEDULED) {
                    found.add(new Scheduled(id, Instant.parse(manifest.createdAt())));
                }
            } catch (RuntimeException unreadable) {
                log.warn("skipping backup {} when looking for scheduled backups: {}", id, unreadable.getMessage());
            }
        }
        found.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        return found;
    }

    /** Deletes the scheduled backups older than the newest {@code keep}; returns their ids. */
    List<String> pruneScheduled(int keep) {
        List<Scheduled> scheduled = scheduled();
        var pruned = new ArrayList<String>();
        for (Scheduled old : scheduled.subList(Math.min(keep, scheduled.size()), scheduled.size())) {
            try {
                files.delete(old.id());
                pruned.add(old.id());
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete old scheduled backup " + old.id(), e);
            }
        }
        return pruned;
    }

    /** A backup file by when it was taken, and whether its latest verification passed. */
    private record Aged(String id, Instant takenAt, boolean verified) {
    }

    /**
     * Deletes the backups of every kind taken more than {@code maxAge} ago, but never the newest
     * verified backup (nor, when none is verified, the newest backup), so a service is never left
     * without one. A file whose manifest cannot be read is aged by its modification time. Returns
     * what it deleted and kept.
     */
    Expiry expire(Duration maxAge) {
        Instant cutoff = clock.instant().minus(maxAge);
        List<Aged> all = files.ids().stream().map(this::aged).flatMap(Optional::stream)
                .sorted(Comparator.comparing(Aged::takenAt).reversed()).toList();
        Optional<Aged> spared = all.stream().filter(Aged::verified).findFirst().or(() -> all.stream().findFirst());
        var deleted = new ArrayList<String>();
        for (Aged backup : all) {
            if (backup.takenAt().isBefore(cutoff) && !spared.get().equals(backup)) {
                try {
                    files.delete(backup.id());
                    deleted.add(backup.id());
                    expired.incrementAndGet();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not delete backup " + backup.id() + ", older than " + maxAge, e);
                }
            }
        }
        Optional<String> keptOld = spared.filter(backup -> backup.takenAt().isBefore(cutoff)).map(Aged::id);
        return new Expiry(deleted, keptOld);
    }

    /** What one expiry did: the backups deleted, and the newest verified one kept although older than the window. */
    record Expiry(List<String> deleted, Optional<String> keptOld) {
    }

    /** Backups deleted for their age by this instance since it started. */
    public long expired() {
        return expired.get();
    }

    private Optional<Aged> aged(String id) {
        try {
            Path file = files.existing(id);
            Instant takenAt;
            try {
                takenAt = Instant.parse(BackupReader.manifest(id, file).createdAt());
            } catch (InvalidBackupException | DateTimeParseException unreadable) {
                takenAt = Files.getLastModifiedTime(file).toInstant();
            }
            boolean verified = files.verification(id).map(Backups::passed).orElse(false);
            return Optional.of(new Aged(id, takenAt, verified));
        } catch (ApiException | IOException | UncheckedIOException gone) {
            return Optional.empty();
        }
    }

    private static boolean passed(String report) {
        try {
            return Json.parseTrusted(report).path("ok").asBoolean(false);
        } catch (IllegalStateException damaged) {
            return false;
        }
    }

    private Optional<ObjectNode> listItem(String id) {
        try {
            return Optional.of(itemOf(id));
        } catch (ApiException | UncheckedIOException gone) {
            return Optional.empty();
        }
    }

    /** The representation, or for a file whose manifest cannot be read, its id, size and problem. */
    private ObjectNode itemOf(String id) {
        try {
            return show(id);
        } catch (InvalidBackupException e) {
            ObjectNode item = Json.MAPPER.createObjectNode();
            item.put("id", id);
            item.put("file", id + BackupFiles.SUFFIX);
            item.put("bytes", files.size(id));
            item.put("problem", e.problem());
            return item;
        }
    }

    private ObjectNode representation(String id, Manifest manifest) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        ObjectNode fields = manifest.toJson();
        node.put("kind", manifest.kind().label());
        node.put("createdAt", manifest.createdAt());
        node.put("users", manifest.users());
        node.put("changes", manifest.changes());
        node.put("erasures", manifest.erasures());
        node.put("bytes", files.size(id));
        node.put("sha256", manifest.sha256());
        node.put("formatVersion", Manifest.FORMAT_VERSION);
        node.put("schemaVersion", manifest.schemaVersion());
        node.put("server", manifest.server());
        node.put("contentBytes", manifest.contentBytes());
        node.set("sections", fields.get("sections"));
        node.put("file", id + BackupFiles.SUFFIX);
        files.verification(id).ifPresent(text -> addVerification(node, id, text));
        return node;
    }

    /** {@code "verification": {"at", "ok"}} from the latest report; a damaged report is left out. */
    private static void addVerification(ObjectNode node, String id, String text) {
        try {
            var report = Json.parseTrusted(text);
            ObjectNode verification = node.putObject("verification");
            verification.put("at", report.path("at").asText());
            verification.put("ok", report.path("ok").asBoolean(false));
        } catch (IllegalStateException damaged) {
            log.warn("the verification report of backup {} cannot be read", id);
        }
    }
}
