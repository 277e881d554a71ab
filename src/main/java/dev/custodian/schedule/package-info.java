/**
 * Scheduled work (backups, history compaction) that runs on one instance at a time when several
 * instances share a database: a PostgreSQL advisory lock and a shared record of each task's last run.
 */
package dev.custodian.schedule;
