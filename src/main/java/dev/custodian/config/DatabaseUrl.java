package dev.custodian.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL location as JDBC wants it: the URL without credentials, plus user and password.
 * Accepts {@code postgresql://user:pass@host:port/db} (also {@code postgres://}) and
 * {@code jdbc:postgresql:} URLs; the password may be omitted for trust or peer authentication.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

    /** Parses {@code text}; {@code setting} names the variable or flag in the error message. */
    public static DatabaseUrl parse(String setting, String text) {
        if (text.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(text, Optional.empty(), Optional.empty());
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new SettingsException(setting + " must look like postgresql://user:pass@host:5432/db"
                    + " or jdbc:postgresql://host:5432/db, got a value starting '" + text.split(":", 2)[0] + ":'");
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null) {
                throw new SettingsException(setting + " has no host name");
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

    private static Optional<String> part(String[] userInfo, int index) {
        return userInfo.length > index && !userInfo[index].isEmpty()
                ? Optional.of(URLDecoder.decode(userInfo[index], StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /** The location without the password, for logs. */
    @Override
    public String toString() {
        return jdbcUrl + user.map(u -> " as " + u).orElse("");
    }
}
