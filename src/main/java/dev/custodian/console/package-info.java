/**
 * The operator's console: the browser pages served at {@code /console/}, which show users,
 * history and backups and undo changes through the same JSON API and roles as every client.
 */
package dev.custodian.console;
