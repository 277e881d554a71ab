package dev.custodian.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import dev.custodian.jobs.JobRoutes;
import dev.custodian.jobs.Jobs;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code /admin/backups...}: create, list, show, verify, restore (a job when it is large, see
 * {@link Jobs}); admin role only. Handlers
 * parse, call {@link Backups}, and render; errors travel to the problem mapper. Thread-safe.
 */
public final class BackupRoutes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final Set<String> CREATE_FIELDS = Set.of("dryRun");
    private static final Set<String> RESTORE_FIELDS = Set.of("userId", "overwrite", "keep", "dryRun");

    private final Backups backups;
    private final Jobs jobs;

    public BackupRoutes(Backups backups, Jobs jobs) {
        this.backups = backups;
        this.jobs = jobs;
    }

    public void register(Javalin app) {
        app.post("/admin/backups", this::create, Role.ADMIN);
        app.get("/admin/backups", this::list, Role.ADMIN);
        app.get("/admin/backups/{id}", this::show, Role.ADMIN);
        app.post("/admin/backups/{id}/verify", this::verify, Role.ADMIN);
        app.post("/admin/backups/{id}/restore", this::restore, Role.ADMIN);
    }

    private void create(Context ctx) {
        JsonNode body = optionalBody(ctx, CREATE_FIELDS);
        if (dryRun(ctx, body)) {
            respond(ctx, Json.write(backups.preview()));
            return;
        }
        var created = backups.create(BackupKind.MANUAL);
        ctx.header("Location", "/admin/backups/" + created.get("id").asText());
        respond(ctx.status(201), Json.write(created));
    }

    private void list(Context ctx) {
        respond(ctx, Json.write(backups.list(Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT), ctx.queryParam("after"))));
    }

    private void show(Context ctx) {
        respond(ctx, Json.write(backups.show(ctx.pathParam("id"))));
    }

    private void verify(Context ctx) {
        String id = ctx.pathParam("id");
        VerificationReport report = backups.verify(id);
        if (!report.ok()) {
            throw new InvalidBackupException(id, report.firstFailure().orElseThrow().detail(), report.checks());
        }
        respond(ctx, Json.write(report.toJson()));
    }

    private void restore(Context ctx) {
        JsonNode body = optionalBody(ctx, RESTORE_FIELDS);
        var context = WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
        RestoreRequest request = RestoreRequest.parse(body, dryRun(ctx, body));
        JobRoutes.respond(ctx, jobs.submit(backups.restoreJob(ctx.pathParam("id"), context, request),
                JobRoutes.prefersAsync(ctx)));
    }

    /** The body when one was sent: a JSON object with only the given fields. */
    private static JsonNode optionalBody(Context ctx, Set<String> fields) {
        if (ctx.bodyAsBytes().length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode body = Bodies.jsonObject(ctx);
        body.fieldNames().forEachRemaining(field -> {
            if (!fields.contains(field)) {
                throw ApiException.validation("/" + field, "unknown field; this request accepts " + fields);
            }
        });
        JsonNode dryRun = body.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean()) {
            throw ApiException.validation("/dryRun", "must be true or false");
        }
        return body;
    }

    private static boolean dryRun(Context ctx, JsonNode body) {
        return Preconditions.dryRun(ctx) || body.path("dryRun").asBoolean(false);
    }

    private static void respond(Context ctx, String json) {
        ctx.contentType(Bodies.JSON).result(json);
    }
}
