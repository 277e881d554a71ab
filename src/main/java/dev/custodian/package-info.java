/**
 * The command line ({@link dev.custodian.Main}) and the application factory that wires every
 * route ({@link dev.custodian.Application}).
 */
package dev.custodian;
