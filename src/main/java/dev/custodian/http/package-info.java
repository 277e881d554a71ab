/**
 * The HTTP plumbing every resource shares: RFC 9457 problem responses and the one mapper
 * that produces them, strict JSON bodies, request ids, content negotiation.
 */
package dev.custodian.http;
