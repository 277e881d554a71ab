package dev.custodian.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL location as JDBC wants it: the URL without credentials, plus user and password.
 * Accepts {@code postgresql://user:pass@host:port/db} (also {@code postgres://}) and
 * {@code jdbc:postgresql:} URLs; the password may be omitted for trust or peer authentication.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
    /** The hosts of a JDBC URL: {@code host[:port]} separated by commas, IPv6 hosts in brackets. */
    private static final Pattern JDBC_HOSTS = Pattern.compile("^jdbc:postgresql://([^/?]*)");
    /** {@code password=} and {@code sslpassword=} parameters, whose values never reach a log. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;][^=&;]*password=)[^&;]*");
    /** {@code //user:secret@host}, which PgJDBC does not read as credentials but as a host name. */
    private static final Pattern JDBC_USER_INFO = Pattern.compile("^jdbc:postgresql://[^/?]*@");

    /** Parses {@code text}; {@code setting} names the variable or flag in the error message. */
    public static DatabaseUrl parse(String setting, String text) {
        if (text.startsWith("jdbc:postgresql:")) {
            if (JDBC_USER_INFO.matcher(text).find()) {
                // Not quoted back: the part before '@' is likely a password.
                throw new SettingsException(setting + " is a jdbc:postgresql: URL with user@ before the host, which"
                        + " PgJDBC does not read; write postgresql://user:pass@host:5432/db, or put ?user=...&password=..."
                        + " after the database name");
            }
            Matcher hosts = JDBC_HOSTS.matcher(text);
            if (hosts.find()) {
                for (String host : hosts.group(1).split(",")) {
                    int colon = host.lastIndexOf(':');
                    if (colon > host.lastIndexOf(']')) {
                        checkPort(setting, host.substring(colon + 1));
                    }
                }
            }
            return new DatabaseUrl(text, Optional.empty(), Optional.empty());
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new SettingsException(setting + " must look like postgresql://user:pass@host:5432/db"
                    + " or jdbc:postgresql://host:5432/db, got a value starting '" + text.split(":", 2)[0] + ":'");
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null) {
                throw new SettingsException(setting + " must name a host, then optionally a port from 1 to 65535:"
                        + " postgresql://user:pass@host:5432/db");
            }
            if (uri.getPort() >= 0) {
                checkPort(setting, Integer.toString(uri.getPort()));
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
            return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + port + path + query,
                    part(userInfo, 0), part(userInfo, 1));
        } catch (URISyntaxException e) {
            throw new SettingsException(setting + " is not a valid URL: " + e.getReason());
        }
    }

    private static void checkPort(String setting, String port) {
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new SettingsException(setting + " has port '" + port + "'; a port is a number from 1 to 65535");
        }
    }

    private static Optional<String> part(String[] userInfo, int index) {
        return userInfo.length > index && !userInfo[index].isEmpty()
                ? Optional.of(URLDecoder.decode(userInfo[index], StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /** The location without the password (not even one written as a URL parameter), for logs and messages. */
    @Override
    public String toString() {
        return PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1***") + user.map(u -> " as " + u).orElse("");
    }
}
