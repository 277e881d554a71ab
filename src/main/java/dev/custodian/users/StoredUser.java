package dev.custodian.users;

/**
 * A user row as the database returned it: id, version, and its API representation as JSON
 * text, which responses send as is.
 */
record StoredUser(long id, long version, String json) {
}
