package dev.custodian.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.auth.Role;
import dev.custodian.db.SchemaReport;
import dev.custodian.db.SqlFile;
import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /health/live}, {@code /health/ready} and its alias {@code /health} (open, GET and
 * HEAD), {@code /openapi.json} (open), and {@code /problems/<slug>} (open). {@code /metrics} is
 * {@link ServiceMetrics}'. Thread-safe.
 */
public final class OperationsRoutes {
    private static final String OPENAPI = SqlFile.load(OperationsRoutes.class, "openapi.json");

    private final Transactions transactions;

    public OperationsRoutes(Transactions transactions) {
        this.transactions = transactions;
    }

    public void register(Javalin app) {
        for (String ready : List.of("/health/ready", "/health")) {
            app.get(ready, this::ready, Role.OPEN);
            app.head(ready, this::ready, Role.OPEN);
        }
        app.get("/health/live", OperationsRoutes::live, Role.OPEN);
        app.head("/health/live", OperationsRoutes::live, Role.OPEN);
        app.get("/openapi.json", ctx -> ctx.contentType(Bodies.JSON).result(OPENAPI), Role.OPEN);
        app.get("/problems/{slug}", OperationsRoutes::problem, Role.OPEN);
    }

    /** The process runs and serves HTTP; the database is not asked. */
    private static void live(Context ctx) {
        ctx.contentType(Bodies.JSON).result("{\"status\":\"ok\"}");
    }

    /**
     * Whether this instance can serve: the database answers within a second and its schema is
     * intact (503 naming what is wrong otherwise). Ready but "degraded" when a protection is
     * missing that the database role cannot install (the DDL guard, its membership of the
     * service role).
     */
    private void ready(Context ctx) {
        SchemaReport report = transactions.schema().current();
        if (!report.reachable()) {
            throw report.unreachableError();
        }
        if (report.damaged()) {
            throw report.damageError();
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", report.warnings().isEmpty() ? "ok" : "degraded");
        body.put("database", "up");
        body.put("schema", "ok");
        body.put("ddlGuard", report.ddlGuardOn() ? "on" : "off");
        body.put("serviceRole", report.serviceRoleOn() ? "on" : "off");
        if (!report.warnings().isEmpty()) {
            body.set("warnings", Json.MAPPER.valueToTree(report.warnings()));
        }
        ctx.contentType(Bodies.JSON).result(Json.write(body));
    }

    private static void problem(Context ctx) {
        String slug = ctx.pathParam("slug");
        ProblemType type = Arrays.stream(ProblemType.values())
                .filter(candidate -> candidate.slug().equals(slug))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("no problem type '" + slug + "'"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("description", type.description());
        ctx.contentType(Bodies.JSON).result(Json.write(body));
    }
}
