package dev.custodian.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.auth.Role;
import dev.custodian.db.SqlFile;
import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;

/**
 * {@code /health} (open), {@code /openapi.json} (read role), and {@code /problems/<slug>}
 * (open). {@code /metrics} is {@link ServiceMetrics}'. Thread-safe.
 */
public final class OperationsRoutes {
    private static final String OPENAPI = SqlFile.load(OperationsRoutes.class, "openapi.json");

    private final Transactions transactions;

    public OperationsRoutes(Transactions transactions) {
        this.transactions = transactions;
    }

    public void register(Javalin app) {
        app.get("/health", this::health, Role.OPEN);
        app.get("/openapi.json", ctx -> ctx.contentType(Bodies.JSON).result(OPENAPI), Role.READ);
        app.get("/problems/{slug}", OperationsRoutes::problem, Role.OPEN);
    }

    private void health(Context ctx) {
        boolean up = transactions.autocommit(connection -> connection.isValid(2));
        if (!up) {
            throw new ApiException(ProblemType.UNAVAILABLE, "the database does not answer");
        }
        ctx.contentType(Bodies.JSON).result("{\"status\":\"ok\",\"database\":\"up\"}");
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
