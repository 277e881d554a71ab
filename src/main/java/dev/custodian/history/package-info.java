/**
 * History, time travel, revert and rollback. The database records every change of a user
 * (V3__history.sql); this package reads that history, rebuilds past versions from its
 * snapshots, and undoes changes as new, recorded changes.
 */
package dev.custodian.history;
