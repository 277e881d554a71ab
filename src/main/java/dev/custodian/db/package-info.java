/**
 * The connection to PostgreSQL: embedded or external server, pool, migrations, the one
 * transaction helper, and the classification of SQLSTATE codes into {@link
 * dev.custodian.db.DatabaseException}s. Knows nothing of HTTP.
 */
package dev.custodian.db;
