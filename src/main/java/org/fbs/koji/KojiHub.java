package org.fbs.koji;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls FBS makes to a Koji hub over XML-RPC. Blocking: use it off the event loop. */
final class KojiHub {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI hub;
    private final HttpClient http;

    KojiHub(URI hub, HttpClient http) {
        this.hub = hub;
        this.http = http;
    }

    /** The build with this NVR (a String) or id (a Long); null when Koji has none. */
    KojiBuild getBuild(Object nvrOrId) throws KojiException, IOException, InterruptedException {
        Object info = call("getBuild", List.of(nvrOrId));
        if (info == null) {
            return null;
        }
        if (!(info instanceof Map<?, ?> map)) {
            throw new KojiException("Koji's getBuild(" + nvrOrId + ") answer is not a struct");
        }
        return KojiBuild.from(map);
    }

    /** The RPMs of a build for these arches. */
    List<KojiRpm> listRPMs(long buildId, List<String> arches) throws KojiException, IOException,
        InterruptedException {
        // Keyword arguments travel as a last struct flagged __starstar, as Koji's own client sends them.
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("buildID", buildId);
        kwargs.put("arches", arches);
        kwargs.put("__starstar", true);
        Object answer = call("listRPMs", List.of(kwargs));
        if (!(answer instanceof List<?> list)) {
            throw new KojiException("Koji's listRPMs(" + buildId + ") answer is not an array");
        }
        List<KojiRpm> rpms = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new KojiException("Koji's listRPMs(" + buildId + ") answer holds a non-struct");
            }
            rpms.add(KojiRpm.from(map));
        }
        return rpms;
    }

    private Object call(String method, List<?> params) throws KojiException, IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(hub)
            .timeout(TIMEOUT)
            .header("Content-Type", "text/xml")
            .POST(HttpRequest.BodyPublishers.ofString(XmlRpc.request(method, params)))
            .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("Koji hub " + hub + " answered " + method + " with HTTP " + response.statusCode());
        }
        try {
            return XmlRpc.response(response.body());
        } catch (XmlRpc.Fault fault) {
            throw new KojiException("Koji hub refused " + method + params + ": " + fault.getMessage());
        }
    }
}
