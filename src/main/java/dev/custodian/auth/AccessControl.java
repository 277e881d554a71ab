package dev.custodian.auth;

import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Optional;

/**
 * Checks the bearer token of every matched request against the role its route declares.
 * Routes without a role need {@link Role#ADMIN}, so a route registered without one is closed,
 * not open. Thread-safe.
 */
public final class AccessControl {
    private static final String ATTRIBUTE = "custodian.token";

    private final Tokens tokens;

    public AccessControl(Tokens tokens) {
        this.tokens = tokens;
    }

    public void check(Context ctx) {
        Role required = required(ctx);
        if (required == Role.OPEN) {
            return;
        }
        Token token = authenticate(ctx);
        if (!token.role().includes(required)) {
            throw new ApiException(ProblemType.FORBIDDEN, "token '" + token.name() + "' has role "
                    + token.role().label() + "; this request needs " + required.label());
        }
        ctx.attribute(ATTRIBUTE, token);
    }

    /** The token that authorised this request; only for routes that need one. */
    public static Token tokenOf(Context ctx) {
        Token token = ctx.attribute(ATTRIBUTE);
        if (token == null) {
            throw new IllegalStateException("route " + ctx.matchedPath() + " reads a token but declares no role");
        }
        return token;
    }

    /** The actor of the token that authorised this request; empty for open routes and refused requests. */
    public static Optional<String> actorOf(Context ctx) {
        return Optional.ofNullable(ctx.<Token>attribute(ATTRIBUTE)).map(Token::actor);
    }

    private static Role required(Context ctx) {
        Role required = Role.ADMIN;
        for (RouteRole role : ctx.routeRoles()) {
            if (role instanceof Role r) {
                required = r;
            }
        }
        return required;
    }

    private Token authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "send 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
        }
        return tokens.authenticate(header.substring(7).trim());
    }
}
