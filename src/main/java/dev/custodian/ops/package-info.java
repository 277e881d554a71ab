/**
 * Operational endpoints: health probes, metrics, the OpenAPI description and problem type
 * pages; and the gate that refuses writes while the schema is damaged.
 */
package dev.custodian.ops;
