package dev.custodian.console;

import dev.custodian.auth.Role;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Serves the operator's console, static files from {@code /console} on the classpath, at
 * {@code /console/}. The files are open, like {@code /health}: they hold no data. The pages
 * sign in with a token and call the JSON API with it, under the same roles as any client.
 * Every file is sent with a Content-Security-Policy that allows only the console's own files
 * and calls to this origin, and no inline script or style, so a value that slipped into the page
 * as markup could still not run. Stateless.
 */
public final class ConsoleRoutes {
    /** What the console's pages may load and call: their own origin only, nothing inline, no frames. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    /**
     * The addresses of files: plain names in plain folders. Anything else (a {@code ..}, an
     * escaped character) is never looked up, so it is answered 404 like any unknown address;
     * Javalin's own lookup of such a path fails with a bare 500 before the problem mapper.
     */
    private static final Pattern FILE_ADDRESS = Pattern.compile("/console(/[a-z0-9-]+)*(/[a-z0-9-]+\\.(html|js|css))?/?");

    private ConsoleRoutes() {
    }

    public static void install(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/console";
            files.directory = "/console";
            files.location = Location.CLASSPATH;
            files.roles = Set.of(Role.OPEN);
            files.skipFileFunction = request -> !FILE_ADDRESS.matcher(request.getRequestURI()).matches();
            files.mimeTypes.add("text/html; charset=utf-8", "html");
            files.mimeTypes.add("text/javascript; charset=utf-8", "js");
            files.mimeTypes.add("text/css; charset=utf-8", "css");
            files.headers = Map.of(
                    "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer",
                    // Revalidate every time: the files change with each release of the jar.
                    "Cache-Control", "no-cache");
        });
    }
}
