package org.fbs.config;

import java.util.List;
import org.fbs.spec.Kickstart;

/**
 * What the master accepts from users beyond the spec's own rules.
 *
 * @param maxKickstartSize       {@code master.max-kickstart-size}: the largest kickstart fetched from a URL, in bytes
 *                               (at most {@link Kickstart#MAX_BYTES}, the spec format's own limit)
 * @param maxQueuedPerUser       {@code master.max-queued-per-user}: builds one user may have waiting in the queue
 * @param kickstartAllowedHosts  {@code master.kickstart.allowed-hosts}: hosts (names, addresses or CIDR ranges) a
 *                               kickstart URL may point at although they resolve to a loopback, link-local, private
 *                               or multicast address, which are refused otherwise
 */
public record MasterLimits(long maxKickstartSize, int maxQueuedPerUser, AllowedHosts kickstartAllowedHosts) {

    public static final int DEFAULT_MAX_QUEUED_PER_USER = 20;
    public static final MasterLimits DEFAULTS = new MasterLimits(Kickstart.MAX_BYTES, DEFAULT_MAX_QUEUED_PER_USER,
        AllowedHosts.NONE);

    static MasterLimits from(ConfigValues master) {
        long kickstart = master.bytes("max-kickstart-size", Kickstart.MAX_BYTES);
        if (kickstart < 1 || kickstart > Kickstart.MAX_BYTES) {
            throw master.error("max-kickstart-size", "must be between 1 byte and 1MiB (the spec format's limit)");
        }
        ConfigValues fetch = new ConfigValues(master.section("kickstart"), "master.kickstart");
        return new MasterLimits(kickstart,
            master.integer("max-queued-per-user", DEFAULT_MAX_QUEUED_PER_USER, 1, 1_000_000),
            AllowedHosts.parse("master.kickstart.allowed-hosts", fetch.list("allowed-hosts", List.of())));
    }
}
