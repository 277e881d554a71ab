/**
 * The one write pipeline: every write of a tracked row (create, merge patch, JSON Patch, PUT,
 * delete, revert, rollback, restore, erasure) goes through {@link dev.custodian.tracked.TrackedWrites},
 * given a {@link dev.custodian.tracked.TrackedTable} that describes the table. The database
 * decides what a write loses and records the diff; this package only tells it what the request
 * names.
 */
package dev.custodian.tracked;
