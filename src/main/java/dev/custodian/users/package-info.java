/**
 * The user resource: routes, validation of names, emails and the known keys of {@code data},
 * and the SQL that reads and writes users, each write in one transaction.
 */
package dev.custodian.users;
