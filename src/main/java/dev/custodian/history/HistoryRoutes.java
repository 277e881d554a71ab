package dev.custodian.history;

import dev.custodian.auth.AccessControl;
import dev.custodian.auth.Role;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Pages;
import dev.custodian.http.Params;
import dev.custodian.http.Preconditions;
import dev.custodian.http.RequestIds;
import dev.custodian.jobs.JobRoutes;
import dev.custodian.jobs.Jobs;
import dev.custodian.jobs.PlannedJob;
import dev.custodian.tracked.Row;
import dev.custodian.tracked.WriteRequest;
import dev.custodian.tracked.Written;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * HTTP routes of history: {@code GET /users/{id}/history} and {@code GET /changes} (read; with
 * {@code ?table=}, an adopted table's), {@code POST
 * /users/{id}/revert} (write), {@code POST /admin/rollback}, which runs as a job when it is large
 * ({@link Jobs}), and {@code GET /admin/history/stats} (admin). Past versions of a user are read
 * through {@code GET /users/{id}}, answered by {@link PastVersions}. The rows of an adopted table
 * have the same through {@code /tables/{table}/rows/{key}} (read: the row now or as it was, its
 * history; write: revert), served by the same code as users'. Thread-safe.
 */
public final class HistoryRoutes {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final Transactions transactions;
    private final TableHistories tables;
    private final PastVersions past;
    private final HistoryStats stats = new HistoryStats();
    private final RollbackJobs rollbacks;
    private final Jobs jobs;

    public HistoryRoutes(Transactions transactions, Jobs jobs) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.tables = new TableHistories(transactions);
        this.past = new PastVersions(transactions);
        this.rollbacks = new RollbackJobs(tables);
    }

    public void register(Javalin app) {
        app.get("/users/{id}/history", ctx -> history(ctx, tables.users(), userKey(ctx)), Role.READ);
        app.get("/changes", this::changes, Role.READ);
        app.post("/users/{id}/revert", ctx -> revert(ctx, tables.users(), userKey(ctx)), Role.WRITE);
        app.post("/admin/rollback", this::rollback, Role.ADMIN);
        app.get("/admin/history/stats", this::stats, Role.ADMIN);
        app.get("/tables/{table}/rows/{key}", ctx -> row(ctx, tables.adopted(ctx.pathParam("table"))), Role.READ);
        app.get("/tables/{table}/rows/{key}/history", ctx -> {
            TableHistory table = tables.adopted(ctx.pathParam("table"));
            history(ctx, table, rowKey(ctx, table));
        }, Role.READ);
        app.post("/tables/{table}/rows/{key}/revert", ctx -> {
            TableHistory table = tables.adopted(ctx.pathParam("table"));
            revert(ctx, table, rowKey(ctx, table));
        }, Role.WRITE);
    }

    private static String userKey(Context ctx) {
        return Long.toString(Params.id(ctx, "user"));
    }

    private static String rowKey(Context ctx, TableHistory table) {
        return Params.rowKey(ctx, table.table);
    }

    /** An adopted row as it is (ETag: its version), or as it was ({@code ?version=N}, {@code ?asOf=}). */
    private void row(Context ctx, TableHistory table) {
        String key = rowKey(ctx, table);
        if (PastVersions.requested(ctx)) {
            past.read(ctx, table, key);
            return;
        }
        Row row = transactions.autocommit(connection -> {
            table.erasures.refuseIfErased(connection, key);
            return table.writes.read(connection, key);
        });
        if (!row.live()) {
            throw ApiException.notFound(table.table.noun() + " " + key
                    + (row.known() ? " was deleted; its history has it" : " does not exist and never did"));
        }
        Preconditions.etag(ctx, row.version());
        ctx.contentType(Bodies.JSON).result(row.representation());
    }

    private void history(Context ctx, TableHistory table, String key) {
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        long before = Params.positive(ctx, "before", "a version number").orElse(Long.MAX_VALUE);
        List<HistoryStore.Entry> page = transactions.autocommit(connection -> {
            var entries = table.store.page(connection, key, before, limit + 1);
            if (entries.isEmpty() && !table.store.known(connection, key)) {
                throw ApiException.notFound(table.table.noun() + " " + key + " does not exist and never did");
            }
            return entries;
        });
        Pages.respond(ctx, page, limit, HistoryStore.Entry::json, HistoryStore.Entry::version);
    }

    /** {@code GET /changes}: users' changes, or with {@code ?table=} those of an adopted table. */
    private void changes(Context ctx) {
        String name = ctx.queryParam("table");
        TableHistory table = name == null || name.isEmpty() ? tables.users() : tables.adopted(name);
        int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        ChangesQuery query = ChangesQuery.parse(ctx, table::key);
        List<RecentChanges.Entry> page = transactions.autocommit(connection -> table.recent.page(connection, query, limit + 1));
        Pages.respondWithCursor(ctx, page, limit, RecentChanges.Entry::json, RecentChanges.Entry::cursor);
    }

    private void stats(Context ctx) {
        ctx.contentType(Bodies.JSON).result(transactions.autocommit(stats::render));
    }

    private void revert(Context ctx, TableHistory table, String key) {
        WriteContext context = WriteContext.of(AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx))
                .withOp("revert").allowingRemoval();
        WriteRequest write = new WriteRequest(context, Preconditions.ifMatch(ctx), Preconditions.dryRun(ctx));
        Written outcome = table.reverts.revert(RevertRequest.parse(key, Bodies.jsonObject(ctx), write));
        if (write.dryRun()) {
            ctx.contentType(Bodies.JSON).result(outcome.dryRunReport());
        } else if (outcome.live()) {
            Preconditions.etag(ctx, outcome.version());
            ctx.contentType(Bodies.JSON).result(outcome.after());
        } else {
            ctx.status(204);
        }
    }

    private void rollback(Context ctx) {
        PlannedJob rollback = rollbacks.plan(Bodies.jsonObject(ctx), Preconditions.dryRun(ctx),
                AccessControl.tokenOf(ctx).actor(), RequestIds.of(ctx));
        JobRoutes.respond(ctx, jobs.submit(rollback, JobRoutes.prefersAsync(ctx)));
    }
}
