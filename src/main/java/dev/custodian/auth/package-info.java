/**
 * Bearer tokens and roles: issuing tokens (stored only as SHA-256 hashes), the first admin
 * token, and the check that every route's role is met.
 */
package dev.custodian.auth;
