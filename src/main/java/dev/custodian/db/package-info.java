/**
 * The connection to PostgreSQL: embedded or external server, pool, migrations (and the DDL
 * guard they install), the one transaction helper, and the translation of SQLSTATE codes into
 * API errors.
 */
package dev.custodian.db;
