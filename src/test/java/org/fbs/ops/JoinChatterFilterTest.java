package org.fbs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import com.hazelcast.internal.partition.PartitionStateVersionMismatchException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped logback.xml keeps Hazelcast's join warnings out of the log and lets its real faults through. The
 * messages are Hazelcast 5.3.8's own (InternalPartitionServiceImpl, MigrationManager$AsyncMigrationTask), the
 * exception its own class.
 */
class JoinChatterFilterTest {

    LoggerContext context;
    Appender<ILoggingEvent> stderr;

    @BeforeEach
    void configureAsShipped() throws Exception {
        context = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(Path.of("src/main/resources/logback.xml").toFile());
        stderr = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(stderr).isNotNull();
    }

    @Test
    void theJoinWarningsAreDropped() {
        assertThat(reply(JoinChatterFilter.PARTITION_SERVICE, Level.WARN, "Received a ordered partition state from "
            + "[127.0.0.1]:5702, but its sender doesn't seem to be master! => Sender: [127.0.0.1]:5702, Master: "
            + "[127.0.0.1]:5701! (Ignore if master node has changed recently.)", null)).isEqualTo(FilterReply.DENY);
        Throwable mismatch = new ExecutionException(new PartitionStateVersionMismatchException(
            "Local partition stateStamp is not equal to master's stateStamp! => local: 12, master: 14"));
        assertThat(reply(JoinChatterFilter.MIGRATION_MANAGER, Level.WARN, "Failed migration from Member "
            + "[127.0.0.1]:5701 for MigrationInfo{...}", mismatch)).isEqualTo(FilterReply.DENY);
    }

    @Test
    void realFaultsOfTheSameLoggersStillShow() {
        assertThat(reply(JoinChatterFilter.MIGRATION_MANAGER, Level.WARN, "Failed migration from Member "
            + "[127.0.0.1]:5701 for MigrationInfo{...}", new ExecutionException(new java.io.IOException("broken pipe"))))
            .isEqualTo(FilterReply.NEUTRAL);
        assertThat(reply(JoinChatterFilter.PARTITION_SERVICE, Level.WARN, "Received a partition state from an unknown "
            + "member! => Sender: [10.9.9.9]:5701!", null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(reply(JoinChatterFilter.PARTITION_SERVICE, Level.ERROR, "sender doesn't seem to be master", null))
            .as("an error is never dropped").isEqualTo(FilterReply.NEUTRAL);
        assertThat(reply("org.fbs.master.Dispatcher", Level.WARN, "PartitionStateVersionMismatchException", null))
            .as("only Hazelcast's own lines").isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void anOperatorWhoSetsTheLoggerToDebugSeesThem() {
        context.getLogger(JoinChatterFilter.PARTITION_SERVICE).setLevel(Level.DEBUG);
        assertThat(reply(JoinChatterFilter.PARTITION_SERVICE, Level.WARN, "... but its sender doesn't seem to be "
            + "master! ...", null)).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply reply(String logger, Level level, String message, Throwable thrown) {
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, thrown,
            null);
        return stderr.getFilterChainDecision(event);
    }
}
