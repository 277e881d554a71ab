package dev.custodian.erasure;

import dev.custodian.adopt.AdoptedTables;
import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import dev.custodian.tracked.TrackedTable;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * HTTP routes of erasure (admin): {@code POST /admin/users/{id}/erase}, and {@code POST
 * /admin/tables/{table}/rows/{key}/erase} for a row of an adopted table. Thread-safe.
 */
public final class ErasureRoutes {
    private final Transactions transactions;
    private final Erasures erasures;

    public ErasureRoutes(Transactions transactions, Erasures erasures) {
        this.transactions = transactions;
        this.erasures = erasures;
    }

    public void register(Javalin app) {
        app.post("/admin/users/{id}/erase", this::eraseUser, Role.ADMIN);
        app.post("/admin/tables/{table}/rows/{key}/erase", this::eraseRow, Role.ADMIN);
    }

    private void eraseUser(Context ctx) {
        ErasureRequest request = request(ctx, Long.toString(Params.id(ctx, "user")));
        respond(ctx, erasures.erase(request, context(ctx)));
    }

    private void eraseRow(Context ctx) {
        TrackedTable table = AdoptedTables.require(transactions, ctx.pathParam("table"));
        ErasureRequest request = request(ctx, Params.rowKey(ctx, table));
        respond(ctx, erasures.erase(table, request, context(ctx)));
    }

    private static ErasureRequest request(Context ctx, String key) {
        return ErasureRequest.parse(key, Bodies.jsonObject(ctx), Preconditions.dryRun(ctx));
    }

    private static WriteContext context(Context ctx) {
        return WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
    }

    private static void respond(Context ctx, ErasureReport report) {
        ctx.contentType(Bodies.JSON).result(Json.write(report.toJson()));
    }
}
