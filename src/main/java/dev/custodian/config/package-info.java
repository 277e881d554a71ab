/**
 * Settings from the environment and the command line, validated once at start.
 */
package dev.custodian.config;
