package dev.custodian.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.EnumSet;

/**
 * {@code HEAD} is {@code GET} without the body (RFC 9110 section 9.3.2): same route, role,
 * status and headers (ETag included). Javalin answers HEAD of a GET route itself, without its
 * handler, its role or its headers; so the routes see a HEAD request as the GET it stands for,
 * and Jetty, which knows the request's real method, leaves the body out. Thread-safe.
 */
public final class HeadRequests implements Filter {
    private static final String ATTRIBUTE = "custodian.head";

    /** Puts the filter in front of every route. */
    public static void install(JavalinConfig config) {
        config.jetty.modifyServletContextHandler(handler ->
                handler.addFilter(HeadRequests.class, "/*", EnumSet.of(DispatcherType.REQUEST)));
    }

    /** The method the client sent: HEAD for a request the routes handle as GET. */
    public static String method(Context ctx) {
        return ctx.attribute(ATTRIBUTE) != null ? "HEAD" : ctx.method().name();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && "HEAD".equals(http.getMethod())) {
            http.setAttribute(ATTRIBUTE, Boolean.TRUE);
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public String getMethod() {
                    return "GET";
                }
            }, response);
        } else {
            chain.doFilter(request, response);
        }
    }
}
