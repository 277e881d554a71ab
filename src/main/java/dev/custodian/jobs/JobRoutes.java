package dev.custodian.jobs;

import dev.custodian.auth.Role;
import dev.custodian.http.ApiException;
import dev.custodian.http.Bodies;
import dev.custodian.http.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code GET /admin/jobs/{id}} (admin), and how the routes that start a rollback or restore
 * answer: 200 with the report when it ran to its end, 202 with {@code Location} when it goes on
 * as a job. Thread-safe.
 */
public final class JobRoutes {
    private static final String PREFIX = "/admin/jobs/";
    /** The preference of RFC 7240 section 4.1 that asks for 202 and a job whatever the size. */
    private static final String RESPOND_ASYNC = "respond-async";

    private final Jobs jobs;

    public JobRoutes(Jobs jobs) {
        this.jobs = jobs;
    }

    public void register(Javalin app) {
        app.get(PREFIX + "{id}", this::show, Role.ADMIN);
    }

    static String location(UUID id) {
        return PREFIX + id;
    }

    /** Whether the request carries {@code Prefer: respond-async}. */
    public static boolean prefersAsync(Context ctx) {
        return Collections.list(ctx.req().getHeaders("Prefer")).stream()
                .flatMap(header -> Arrays.stream(header.split(",")))
                .map(preference -> preference.split(";")[0].trim().toLowerCase(Locale.ROOT))
                .anyMatch(RESPOND_ASYNC::equals);
    }

    /** 200 and the report, or 202, {@code Location} and the job as it is now. */
    public static void respond(Context ctx, JobOutcome outcome) {
        if (outcome instanceof JobOutcome.Started started) {
            ctx.status(202).header("Location", location(started.id()));
            ctx.contentType(Bodies.JSON).result(Json.write(started.job()));
        } else {
            ctx.contentType(Bodies.JSON).result(Json.write(((JobOutcome.Finished) outcome).report()));
        }
    }

    private void show(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.contentType(Bodies.JSON).result(Json.write(jobs.find(parse(id))
                .orElseThrow(() -> ApiException.notFound("no job " + id + "; jobs are named in the Location of the 202"
                        + " that started them"))));
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no job " + id + ": a job id is a UUID such as 3f1c2a9e-...");
        }
    }
}
