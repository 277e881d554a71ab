/**
 * The connection to PostgreSQL: embedded or external server, pool, migrations (and the DDL
 * guard they install), the one transaction helper, the translation of SQLSTATE codes into API
 * errors, and the check that the schema is still what the migrations made.
 */
package dev.custodian.db;
