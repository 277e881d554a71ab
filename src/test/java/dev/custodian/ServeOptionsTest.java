package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code serve} checks its flags before it starts anything, naming the flag in the message. */
class ServeOptionsTest {

    @Test
    void aBadStatementTimeoutExits2NamingTheFlag() {
        var err = new StringWriter();

        int exit = Main.commandLine().setErr(new PrintWriter(err, true))
                .execute("serve", "--port", "0", "--statement-timeout", "soon");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("custodian: --statement-timeout must be a time such as 500ms, 5s or 1m");
    }
}
