/**
 * Erasure of a person: {@code POST /admin/users/{id}/erase} and {@code user erase}, its request,
 * its preview and its report. The write itself is the write pipeline's
 * ({@link dev.custodian.tracked.TrackedWrites#erase}); docs/erasure.md says what it guarantees.
 */
package dev.custodian.erasure;
