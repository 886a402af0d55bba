package org.fbs.worker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import org.fbs.staging.KeptArtifacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes the files kept on this worker once they are older than {@code worker.retention}: at start, then hourly. */
public final class ArtifactSweeper extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactSweeper.class);

    private final KeptArtifacts kept;
    private final Duration retention;
    private final long periodMs;

    public ArtifactSweeper(KeptArtifacts kept, Duration retention) {
        this.kept = kept;
        this.retention = retention;
        // Hourly, or more often for a short retention, so that nothing stays much longer than asked.
        this.periodMs = Math.min(Duration.ofHours(1).toMillis(), Math.max(1_000, retention.toMillis() / 4));
    }

    @Override
    public Future<?> start() {
        sweep();
        vertx.setPeriodic(periodMs, t -> sweep());
        return Future.succeededFuture();
    }

    private void sweep() {
        vertx.executeBlocking(() -> kept.removeOlderThan(retention, Instant.now()), false)
            .onSuccess(removed -> {
                if (!removed.isEmpty()) {
                    LOG.info("removed the files of builds {}: kept longer than worker.retention ({})", removed,
                        retention);
                }
            })
            .onFailure(err -> LOG.warn("artifact sweep failed: {}", err.getMessage()));
    }
}
