package org.fbs.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the warnings Hazelcast 5.3 prints while members join and the partition table settles out of the log, since
 * they look like faults and are not: a partition update from a member that is about to be master
 * ({@code InternalPartitionServiceImpl}: "... but its sender doesn't seem to be master! ... (Ignore if master node has
 * changed recently.)"), and a migration refused because the partition table moved on meanwhile
 * ({@code MigrationManager}: "Failed migration from ..." caused by a {@code PartitionStateVersionMismatchException},
 * which Hazelcast retries). Every other warning of those loggers, and every error, still shows; setting the logger to
 * DEBUG shows these too.
 */
public final class JoinChatterFilter extends Filter<ILoggingEvent> {

    static final String PARTITION_SERVICE = "com.hazelcast.internal.partition.impl.InternalPartitionServiceImpl";
    static final String MIGRATION_MANAGER = "com.hazelcast.internal.partition.impl.MigrationManager";
    static final String VERSION_MISMATCH = "com.hazelcast.internal.partition.PartitionStateVersionMismatchException";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!event.getLoggerName().startsWith("com.hazelcast.") || event.getLevel().isGreaterOrEqual(Level.ERROR)
            || !isChatter(event) || debugging(event.getLoggerName())) {
            return FilterReply.NEUTRAL;
        }
        return FilterReply.DENY;
    }

    static boolean isChatter(ILoggingEvent event) {
        String message = String.valueOf(event.getFormattedMessage());
        if (event.getLoggerName().equals(PARTITION_SERVICE) && message.contains("doesn't seem to be master")) {
            return true;
        }
        return message.contains("PartitionStateVersionMismatchException") || causedBy(event.getThrowableProxy());
    }

    private static boolean causedBy(IThrowableProxy thrown) {
        for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
            if (VERSION_MISMATCH.equals(t.getClassName())) {
                return true;
            }
        }
        return false;
    }

    private boolean debugging(String loggerName) {
        return getContext() instanceof LoggerContext context && context.getLogger(loggerName).isDebugEnabled();
    }
}
