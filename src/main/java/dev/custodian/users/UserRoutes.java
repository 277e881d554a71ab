package dev.custodian.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.tracked.ErasureRegister;
import dev.custodian.tracked.RowNotFoundException;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import dev.custodian.tracked.Written;
import dev.custodian.history.PastVersions;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import dev.custodian.http.Pages;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP routes of the user resource. Handlers parse the request, call one write or read, and
 * render the result; errors travel as exceptions to the problem mapper. Thread-safe.
 */
public final class UserRoutes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final Transactions transactions;
    private final UserStore store;
    private final UserWrites writes;
    private final UserValidator validator;
    private final PastVersions past;
    private final ErasureRegister erasures = new ErasureRegister(TrackedTable.USERS);

    public UserRoutes(Transactions transactions, String defaultRegion) {
        this.transactions = transactions;
        this.store = new UserStore();
        this.validator = new UserValidator(new PhoneNumbers(defaultRegion));
        this.writes = new UserWrites(new TrackedWrites(transactions, TrackedTable.USERS), validator);
        this.past = new PastVersions(transactions);
    }

    public void register(Javalin app) {
        app.post("/users", this::create, Role.WRITE);
        app.get("/users", this::list, Role.READ);
        app.get("/users/{id}", this::read, Role.READ);
        app.patch("/users/{id}", this::patch, Role.WRITE);
        app.put("/users/{id}", this::replace, Role.WRITE);
        app.delete("/users/{id}", this::delete, Role.WRITE);
        app.post("/phone-number/update/{id}", this::updatePhone, Role.WRITE);
    }

    private void create(Context ctx) {
        Written outcome = writes.create(writeRequest(ctx), Bodies.json(ctx));
        if (!respondIfDryRun(ctx, outcome)) {
            ctx.header("Location", "/users/" + outcome.key());
            respond(ctx.status(201), outcome.version(), outcome.after());
        }
    }

    private void read(Context ctx) {
        long id = Params.id(ctx, "user");
        if (PastVersions.requested(ctx)) {
            past.read(ctx, id);
            return;
        }
        StoredUser user = transactions.autocommit(connection -> {
            Optional<StoredUser> found = store.read(connection, id);
            if (found.isEmpty()) {
                // Only on a miss, so reads of existing users pay nothing: an erased user is 410, not 404.
                erasures.refuseIfErased(connection, Long.toString(id));
            }
            return found;
        }).orElseThrow(() -> new RowNotFoundException(TrackedTable.USERS, Long.toString(id)));
        respond(ctx, user.version(), user.json());
    }

    private void list(Context ctx) {
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        long after = Params.positive(ctx, "after", "the 'next' value of the previous page").orElse(0);
        UserFilter filter = UserFilter.parse(ctx);
        List<StoredUser> page = transactions.autocommit(connection -> store.list(connection, after, filter, limit + 1));
        Pages.respond(ctx, page, limit, StoredUser::json, StoredUser::id);
    }

    private void patch(Context ctx) {
        String type = Bodies.mediaType(ctx);
        WriteRequest request = writeRequest(ctx);
        long id = Params.id(ctx, "user");
        boolean jsonPatch = Bodies.JSON_PATCH.equals(type);
        if (!jsonPatch && type != null && !Bodies.MERGE_PATCH.equals(type) && !Bodies.JSON.equals(type)) {
            throw Bodies.unsupported(type, Set.of(Bodies.MERGE_PATCH, Bodies.JSON, Bodies.JSON_PATCH));
        }
        JsonNode body = Json.parse(ctx.bodyAsBytes());
        respondToWrite(ctx, jsonPatch ? writes.jsonPatch(request, id, body) : writes.mergePatch(request, id, body));
    }

    private void replace(Context ctx) {
        respondToWrite(ctx, writes.replace(writeRequest(ctx), Params.id(ctx, "user"), Bodies.json(ctx)));
    }

    private void delete(Context ctx) {
        Written outcome = writes.delete(writeRequest(ctx), Params.id(ctx, "user"));
        if (!respondIfDryRun(ctx, outcome)) {
            ctx.status(204);
        }
    }

    private void updatePhone(Context ctx) {
        String phone = validator.phoneNumber(Bodies.jsonObject(ctx));
        var patch = Json.MAPPER.createObjectNode();
        patch.putObject("data").put("phone", phone);
        respondToWrite(ctx, writes.mergePatch(writeRequest(ctx), Params.id(ctx, "user"), patch));
    }

    private void respondToWrite(Context ctx, Written outcome) {
        if (!respondIfDryRun(ctx, outcome)) {
            respond(ctx, outcome.version(), outcome.after());
        }
    }

    private static boolean respondIfDryRun(Context ctx, Written outcome) {
        if (!Preconditions.dryRun(ctx)) {
            return false;
        }
        ctx.contentType(Bodies.JSON).result(outcome.dryRunReport());
        return true;
    }

    private static void respond(Context ctx, long version, String json) {
        Preconditions.etag(ctx, version);
        ctx.contentType(Bodies.JSON).result(json);
    }

    static WriteRequest writeRequest(Context ctx) {
        var context = WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
        return new WriteRequest(context, Preconditions.ifMatch(ctx), Preconditions.dryRun(ctx));
    }

}
