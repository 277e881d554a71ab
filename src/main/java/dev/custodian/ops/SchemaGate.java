package dev.custodian.ops;

import dev.custodian.db.SchemaCheck;
import dev.custodian.db.SchemaReport;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;

/**
 * Refuses every write while the schema is damaged, before it starts: 503 {@code schema-damaged}
 * naming what is wrong, instead of a write stored without the constraints, guards or history
 * the damage removed, or a 500. The verdict is at most a second old; a write that meets the
 * damage within that second is answered the same way by {@code Transactions}. Reads pass.
 * Thread-safe.
 */
public final class SchemaGate {
    private static final Set<HandlerType> WRITES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);

    private final SchemaCheck schema;

    public SchemaGate(SchemaCheck schema) {
        this.schema = schema;
    }

    public void refuseWritesWhileDamaged(Context ctx) {
        if (WRITES.contains(ctx.method())) {
            SchemaReport report = schema.recent();
            if (report.damaged()) {
                throw report.damageError();
            }
        }
    }
}
