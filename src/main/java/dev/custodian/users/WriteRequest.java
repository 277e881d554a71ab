package dev.custodian.users;

import dev.custodian.db.WriteContext;
import java.util.OptionalLong;

/**
 * The conditions every write carries: the context declared to the database, the client's
 * {@code If-Match} version if any, and whether this is a dry run.
 */
record WriteRequest(WriteContext context, OptionalLong ifMatch, boolean dryRun) {

    WriteRequest withOp(String op) {
        return new WriteRequest(context.withOp(op), ifMatch, dryRun);
    }
}
