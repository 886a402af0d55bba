package org.fbs.koji;

import java.net.URI;

/** An RPM to fetch: its NVRA (also its cache key), the size Koji reports, and its URL on kojipkgs. */
record RemoteRpm(String nvra, long size, URI url) {

    String fileName() {
        return nvra + ".rpm";
    }
}
