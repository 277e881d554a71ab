package dev.custodian.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.Pages;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code /admin/tokens}: list, create and revoke tokens; admin role only. Handlers parse, call
 * {@link Tokens}, and render; errors travel to the problem mapper. Thread-safe.
 */
public final class TokenRoutes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final Tokens tokens;

    public TokenRoutes(Tokens tokens) {
        this.tokens = tokens;
    }

    public void register(Javalin app) {
        app.get("/admin/tokens", this::list, Role.ADMIN);
        app.post("/admin/tokens", this::create, Role.ADMIN);
        app.delete("/admin/tokens/{name}", this::revoke, Role.ADMIN);
    }

    private void list(Context ctx) {
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        long after = Params.positive(ctx, "after", "the 'next' value of the previous page").orElse(0);
        List<TokenInfo> page = tokens.list(after, limit + 1);
        Pages.respond(ctx, page, limit, Json::write, TokenInfo::id);
    }

    private void create(Context ctx) {
        JsonNode body = Bodies.jsonObject(ctx);
        boolean dryRun = dryRun(ctx, body);
        IssuedToken issued = tokens.create(TokenRequest.fromJson(body), dryRun);
        ObjectNode answer = Json.MAPPER.valueToTree(issued.info());
        if (dryRun) {
            respondToDryRun(ctx, answer);
            return;
        }
        answer.put("token", issued.secret());
        // The secret is in this body and nowhere else: no cache may keep a copy.
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).contentType(Bodies.JSON).result(Json.write(answer));
    }

    private void revoke(Context ctx) {
        boolean force = Params.flag(ctx, "force");
        boolean dryRun = Preconditions.dryRun(ctx);
        TokenInfo revoked = tokens.revoke(ctx.pathParam("name"), force, dryRun);
        if (dryRun) {
            respondToDryRun(ctx, Json.MAPPER.valueToTree(revoked));
        } else {
            ctx.status(204);
        }
    }

    /** {@code ?dryRun=true}, or {@code "dryRun": true} in the body as every admin operation takes it. */
    private static boolean dryRun(Context ctx, JsonNode body) {
        JsonNode inBody = body.get("dryRun");
        if (inBody != null && !inBody.isBoolean()) {
            throw ApiException.validation("/dryRun", "must be true or false");
        }
        return Preconditions.dryRun(ctx) || (inBody != null && inBody.booleanValue());
    }

    private static void respondToDryRun(Context ctx, JsonNode token) {
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("dryRun", true);
        report.set("token", token);
        ctx.contentType(Bodies.JSON).result(Json.write(report));
    }
}
