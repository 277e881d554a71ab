/**
 * Logical backups of users and their history: writing checksummed backup files, listing
 * them, verifying them by a real restore into a scratch schema, restoring them as new,
 * undoable changes, and taking them on a schedule with retention.
 */
package dev.custodian.backup;
