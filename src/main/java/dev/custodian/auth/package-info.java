/**
 * Bearer tokens and roles: issuing, listing, expiring and revoking tokens (stored only as
 * SHA-256 hashes), the first admin token, and the check that every route's role is met, which
 * a revocation anywhere reaches within a quarter of a second.
 */
package dev.custodian.auth;
