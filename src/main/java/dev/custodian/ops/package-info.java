/**
 * Operational endpoints: health, metrics, the OpenAPI description and problem type pages.
 */
package dev.custodian.ops;
