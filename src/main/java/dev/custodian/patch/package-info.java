/**
 * Pure JSON patching: RFC 6901 pointers, RFC 7396 merge patches (the removals they name) and RFC
 * 6902 JSON Patch. JSON in, JSON out: no I/O, and inputs are never mutated. What a write loses and
 * the diff history records are the database's to decide (docs/guards.md, docs/history.md).
 */
package dev.custodian.patch;
