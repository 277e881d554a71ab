/**
 * Long rollbacks and restores as jobs: one at a time per database (an advisory lock), their
 * state and progress in the {@code jobs} table (V11__jobs.sql), and {@code GET /admin/jobs/{id}}.
 */
package dev.custodian.jobs;
