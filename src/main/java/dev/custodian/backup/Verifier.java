package dev.custodian.backup;

import dev.custodian.db.SqlNames;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Proves a backup can be restored: reads its manifest, checks the schema version, then
 * restores every section into a scratch schema built like the live tables (columns, keys,
 * unique indexes, checks), checking the content's SHA-256 on the way, and compares each
 * table's row count and SQL checksum with the manifest. It all happens in one transaction
 * that is rolled back, so the scratch schema is gone afterwards even if the process dies.
 * Thread-safe (stateless between calls).
 */
final class Verifier {
    private static final String SCRATCH_PREFIX = "custodian_verify_";

    private final Transactions transactions;
    private final Clock clock;

    Verifier(Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    VerificationReport verify(String id, Path file) {
        var checks = new ArrayList<Check>();
        String at = BackupWriter.TIME.format(clock.instant());
        Manifest manifest;
        try {
            manifest = BackupReader.manifest(id, file);
        } catch (InvalidBackupException e) {
            checks.add(Check.failed("manifest", e.problem()));
            return new VerificationReport(id, at, checks);
        }
        checks.add(Check.passed("manifest", "format version " + Manifest.FORMAT_VERSION + ", " + manifest.kind().label()
                + " backup of " + manifest.createdAt() + " with " + manifest.users() + " users and "
                + manifest.changes() + " history entries"));
        WriteContext context = WriteContext.of("custodian:backup-verify", id);
        transactions.rehearse(context, connection -> {
            restoreIntoScratch(id, file, manifest, connection, checks);
            return null;
        });
        return new VerificationReport(id, at, checks);
    }

    private static void restoreIntoScratch(String id, Path file, Manifest manifest, Connection connection,
                                           List<Check> checks) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(TableChecksums.SESSION);
        }
        if (!checkSchema(id, manifest, connection, checks)) {
            return;
        }
        String scratch = SCRATCH_PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        createScratch(connection, scratch, manifest);
        try {
            BackupReader.load(id, file, manifest, connection,
                    table -> scratch + "." + SqlNames.identifier(table.tableName()));
        } catch (InvalidBackupException e) {
            checks.add(Check.failed("sha256", e.problem()));
            return;
        } catch (BackupReader.RowsRefused e) {
            checks.add(Check.passed("sha256", contentDetail(manifest)));
            checks.add(Check.failed("restore", e.getMessage()));
            return;
        }
        checks.add(Check.passed("sha256", contentDetail(manifest)));
        checks.add(Check.passed("restore", "every section restored into scratch schema " + scratch
                + ", built like the live tables with their keys, unique indexes and checks; dropped afterwards"));
        compare(manifest, connection, scratch, checks);
        UserIds erased = ErasedUsers.in(connection, manifest, table -> scratch + "." + SqlNames.identifier(table.tableName()));
        checks.add(Check.passed("erasures", erasuresDetail(manifest, erased)));
    }

    /** Which users of the file are erased, by this database's register or the file's, and what the file's register holds. */
    private static String erasuresDetail(Manifest manifest, UserIds erased) {
        String users = erased.count() == 0
                ? "no user of this backup is erased"
                : erased.count() + " users of this backup are erased (" + erased.ids()
                        + (erased.count() > erased.ids().size() ? " and more" : "") + ", by this database's register or"
                        + " the file's): a restore skips them and their history, so their values do not come back;"
                        + " delete this file to remove them for good";
        String register = manifest.section(BackedUpTable.ERASURES.tableName()).isEmpty()
                ? "the file carries no erasure register (it was written before backups held one)"
                : "the file's erasure register holds " + manifest.erasures() + " entries; a restore adds those this"
                        + " database lacks to its register";
        return users + "; " + register;
    }

    private static boolean checkSchema(String id, Manifest manifest, Connection connection, List<Check> checks)
            throws SQLException {
        String current = Catalog.schemaVersion(connection);
        try {
            if (Catalog.isNewer(manifest.schemaVersion(), current)) {
                checks.add(Check.failed("schema", newerSchema(manifest, current)));
                return false;
            }
            BackupReader.checkColumns(id, manifest, connection);
        } catch (IllegalArgumentException e) {
            checks.add(Check.failed("schema", e.getMessage()));
            return false;
        } catch (InvalidBackupException e) {
            checks.add(Check.failed("schema", e.problem()));
            return false;
        }
        checks.add(Check.passed("schema", "written at schema version " + manifest.schemaVersion()
                + "; this database is at " + current + " and has every column the backup holds"));
        return true;
    }

    static String newerSchema(Manifest manifest, String current) {
        return "it was written at schema version " + manifest.schemaVersion() + ", newer than this database's "
                + current + "; upgrade Custodian before using it";
    }

    private static void createScratch(Connection connection, String scratch, Manifest manifest) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + scratch);
            for (Section section : manifest.sections()) {
                String table = SqlNames.identifier(section.table());
                statement.execute("CREATE TABLE " + scratch + "." + table + " (LIKE " + table + " INCLUDING ALL)");
            }
        }
    }

    private static void compare(Manifest manifest, Connection connection, String scratch, List<Check> checks)
            throws SQLException {
        for (Section section : manifest.sections()) {
            TableChecksums.Sum sum = TableChecksums.of(connection, scratch + "." + SqlNames.identifier(section.table()),
                    section.columns());
            String name = section.table();
            checks.add(sum.rows() == section.rows()
                    ? Check.passed(name + ".rows", sum.rows() + " rows restored, as the manifest says")
                    : Check.failed(name + ".rows", sum.rows() + " rows restored; the manifest says " + section.rows()));
            checks.add(sum.checksum().equals(section.checksum())
                    ? Check.passed(name + ".checksum", "the restored rows' checksum " + sum.checksum() + " matches the manifest")
                    : Check.failed(name + ".checksum", "the restored rows' checksum " + sum.checksum() + " differs from the"
                            + " manifest's " + section.checksum()));
        }
    }

    private static String contentDetail(Manifest manifest) {
        return "the " + manifest.contentBytes() + " bytes of content match the manifest's SHA-256";
    }
}
