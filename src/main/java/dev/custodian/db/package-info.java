/**
 * The connection to PostgreSQL: embedded or external server, pool, migrations (and the DDL
 * guard they install), the one transaction helper, the classification of SQLSTATE codes into
 * {@link dev.custodian.db.DatabaseException}s, and the check that the schema is still what the
 * migrations made. Knows nothing of HTTP.
 */
package dev.custodian.db;
