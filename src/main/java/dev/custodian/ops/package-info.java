/**
 * Operational endpoints and signals: health, metrics in the Prometheus format, the access log,
 * the OpenAPI description and problem type pages.
 */
package dev.custodian.ops;
