/**
 * Pure JSON patching: RFC 6901 pointers, RFC 7396 merge patches, RFC 6902 JSON Patch, diffs between
 * documents and the data a write would drop. JSON in, JSON out: no I/O, and inputs are never mutated.
 */
package dev.custodian.patch;
