package dev.custodian.erasure;

import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.WriteContext;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** HTTP route of erasure: {@code POST /admin/users/{id}/erase} (admin). Thread-safe. */
public final class ErasureRoutes {
    private final Erasures erasures;

    public ErasureRoutes(Erasures erasures) {
        this.erasures = erasures;
    }

    public void register(Javalin app) {
        app.post("/admin/users/{id}/erase", this::erase, Role.ADMIN);
    }

    private void erase(Context ctx) {
        long id = Params.id(ctx, "user");
        ErasureRequest request = ErasureRequest.parse(id, Bodies.jsonObject(ctx), Preconditions.dryRun(ctx));
        WriteContext context = WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
        ctx.contentType(Bodies.JSON).result(Json.write(erasures.erase(request, context).toJson()));
    }
}
