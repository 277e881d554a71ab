package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.ProblemResponses;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** GET /users?name=: a part of the name, ignoring case, matched as written, page by page. */
class FindUsersByNameTest {
    private final TestServer server = TestServer.shared();
    /** A word no other test's user has in its name, so each search sees only this test's users. */
    private final String tag = "qz" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @Test
    void findsUsersByAPartOfTheNameIgnoringCase() {
        long first = create("Marta " + tag + "son");
        long second = create(tag.toUpperCase() + " Lindqvist");
        create("Marta Lindqvist " + tag.substring(0, tag.length() - 1));

        JsonNode page = server.get("/users?name=" + mixedCase(tag)).json();

        assertThat(ids(page)).containsExactly(first, second);
        assertThat(page.at("/items/0/name").asText()).isEqualTo("Marta " + tag + "son");
        assertThat(page.get("next").isNull()).isTrue();
    }

    @Test
    void pagesOfANameSearchWalkEveryMatchOnceInIdOrder() {
        List<Long> matching = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            matching.add(create("Person " + i + " " + tag));
            create("Someone else " + i);
        }
        List<Long> seen = new ArrayList<>();
        String query = "/users?limit=3&name=" + tag;
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse response = server.get(query + (cursor == null ? "" : "&after=" + cursor));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.get("items").size()).isLessThanOrEqualTo(3);
            seen.addAll(ids(body));
            cursor = body.get("next").isNull() ? null : body.get("next").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyElementsOf(matching);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void percentUnderscoreAndBackslashAreCharactersOfTheNameNotWildcards() {
        long percent = create(tag + " 100% sure");
        create(tag + " 1000 sure");
        long underscore = create(tag + " snake_case");
        create(tag + " snakeXcase");
        long backslash = create(tag + " C:\\temp");
        create(tag + " C:temp");

        assertThat(ids(find(tag + " 100%"))).containsExactly(percent);
        assertThat(ids(find(tag + " snake_"))).containsExactly(underscore);
        assertThat(ids(find(tag + " C:\\"))).containsExactly(backslash);
        assertThat(ids(find(tag + " C:\\t"))).containsExactly(backslash);
        assertThat(ids(find(tag + " %"))).isEmpty();
        assertThat(ids(find(tag + "_"))).isEmpty();
    }

    @Test
    void deletedUsersAreNotFoundAndTheEmailFilterNarrowsTheSearch() {
        String email = TestUsers.uniqueEmail();
        long kept = TestUsers.create(server, "{\"name\": \"Kept " + tag + "\", \"email\": \"" + email + "\"}");
        long other = create("Other " + tag);
        long deleted = create("Deleted " + tag);
        assertThat(server.request("DELETE", "/users/" + deleted).send().status()).isEqualTo(204);

        assertThat(ids(find(tag))).containsExactly(kept, other);
        assertThat(ids(server.get("/users?name=" + tag + "&email=" + email.toUpperCase()).json())).containsExactly(kept);
    }

    @Test
    void aNameFilterTooShortTooLongOrBlankIs422NamingTheParameter() {
        String[] refused = {"", "%20%20%20", "ab", "%F0%9F%98%80%C3%A9", "a".repeat(201), "a%00bc"};
        for (String value : refused) {
            HttpResponse response = server.get("/users?name=" + value);

            assertThat(response.status()).as(value).isEqualTo(422);
            assertThat(response.contentType()).isEqualTo(ProblemResponses.CONTENT_TYPE);
            JsonNode problem = response.json();
            assertThat(problem.get("type").asText()).isEqualTo("/problems/validation");
            assertThat(problem.at("/errors/0/path").asText()).isEqualTo("name");
            assertThat(problem.get("detail").asText()).startsWith("name: must");
        }
        assertThat(find("😀".repeat(200)).get("items")).as("200 characters, however many UTF-16 units, are accepted").isEmpty();
    }

    @Test
    void aRareNameAmongManyUsersIsFoundThroughTheTrigramIndex() throws SQLException {
        DataSource many = TestDatabase.fresh();
        TestSql.execute(many, """
                INSERT INTO users (name, email)
                SELECT 'Person number ' || n, 'person' || n || '@example.com' FROM generate_series(1, 20000) AS n""");
        TestSql.execute(many, "INSERT INTO users (name, email) VALUES ('Zanzibar Quirk', 'zq@example.com')");
        // As autovacuum would: moves the new rows out of the index's pending list and counts them.
        TestSql.execute(many, "VACUUM ANALYZE users");

        assertThat(planOfTheSearch(many, new UserFilter(null, "quirk"))).contains("users_name_trgm");
    }

    /** The plan PostgreSQL makes for the very statement the service runs, with a pattern as the service builds it. */
    private static String planOfTheSearch(DataSource dataSource, UserFilter filter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + UserStore.LIST)) {
            explain.setLong(1, 0);
            explain.setString(2, filter.email());
            explain.setString(3, filter.email());
            explain.setString(4, filter.namePattern());
            explain.setString(5, filter.namePattern());
            explain.setInt(6, 51);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private long create(String name) {
        return TestUsers.create(server, "{\"name\": \"" + name.replace("\\", "\\\\") + "\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}");
    }

    private JsonNode find(String name) {
        HttpResponse response = server.get("/users?limit=500&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asLong()));
        return ids;
    }

    private static String mixedCase(String text) {
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            mixed.append(i % 2 == 0 ? Character.toUpperCase(text.charAt(i)) : text.charAt(i));
        }
        return mixed.toString();
    }
}
