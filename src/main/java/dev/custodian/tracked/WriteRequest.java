package dev.custodian.tracked;

import dev.custodian.db.WriteContext;
import java.util.List;
import java.util.OptionalLong;

/**
 * The conditions every write carries: the context declared to the database, the client's
 * {@code If-Match} version if any, and whether this is a dry run. A write with If-Match may
 * overwrite what it does not name: the client proved it saw the version it replaces.
 */
public record WriteRequest(WriteContext context, OptionalLong ifMatch, boolean dryRun) {

    public WriteRequest withOp(String op) {
        return new WriteRequest(context.withOp(op), ifMatch, dryRun);
    }

    /** The same request, naming these paths of the state for removal. */
    public WriteRequest naming(List<String> paths) {
        return new WriteRequest(context.naming(paths), ifMatch, dryRun);
    }

    /** The context to declare: with If-Match, the client may overwrite anything. */
    WriteContext declared() {
        return ifMatch.isPresent() ? context.allowingRemoval() : context;
    }
}
