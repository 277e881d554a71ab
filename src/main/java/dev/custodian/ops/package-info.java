/**
 * Operational endpoints and signals: health probes, metrics in the Prometheus format, the access
 * log, the OpenAPI description and problem type pages; and the gate that refuses writes while the
 * schema is damaged.
 */
package dev.custodian.ops;
