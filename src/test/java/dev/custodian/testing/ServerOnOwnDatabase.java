package dev.custodian.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real service on a new database of its own, started before a test class and stopped after
 * it: for tests that read or change all users (a rollback by time, a list of every change, a
 * restore). Register it as a static extension. Not thread-safe.
 */
public final class ServerOnOwnDatabase implements BeforeAllCallback, AfterAllCallback {
    private TestServer server;

    public TestServer server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServer.start(TestDatabase.fresh(), settings -> settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }
}
