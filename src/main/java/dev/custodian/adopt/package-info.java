/**
 * Adopting another application's table: Custodian's guards and history installed on it, in its
 * own database, without changing what the application sees ({@code custodian adopt},
 * docs/adopting.md). The triggers and functions are SQL, in R__tables_adopted.sql.
 */
package dev.custodian.adopt;
