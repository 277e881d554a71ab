package dev.custodian.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code custodian_erasures_total}: the erasures the register holds, read from the database when
 * scraped, so it counts every erasure, made by any instance or by the command line, and never
 * goes down (the register is never changed). NaN while the database cannot be read.
 * Thread-safe.
 */
final class ErasureCounter {
    private static final Logger log = LoggerFactory.getLogger(ErasureCounter.class);
    private static final String COUNT = "SELECT count(*) FROM erasures";

    private final DataSource dataSource;

    ErasureCounter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("custodian.erasures", this, ErasureCounter::countOrNaN)
                .description("Users erased (POST /admin/users/{id}/erase, user erase), from the erasure register")
                .register(registry);
    }

    private double countOrNaN() {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(COUNT)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            log.debug("could not count erasures for the metrics: {}", e.toString());
            return Double.NaN;
        }
    }
}
