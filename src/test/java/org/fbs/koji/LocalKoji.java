package org.fbs.koji;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A local stand-in for Koji: an XML-RPC hub at {@code /kojihub} answering {@code getBuild} and {@code listRPMs},
 * and a package tree laid out as kojipkgs ({@code [vol/VOLUME/]packages/NAME/VERSION/RELEASE/ARCH/NVRA.rpm}).
 *
 * <p>The answers carry the field names and types of Koji's hub (koji's hub/kojihub.py: the docstrings of
 * {@code getBuild} and {@code listRPMs}, and koji's API docs at docs.pagure.org/koji): getBuild gives a struct
 * with {@code id}, {@code build_id}, {@code nvr}, {@code name}, {@code package_id}, {@code package_name},
 * {@code version}, {@code release}, {@code epoch} (nil), {@code state} (int: 0 BUILDING, 1 COMPLETE, 2 DELETED,
 * 3 FAILED, 4 CANCELED), {@code volume_id}, {@code volume_name} ("DEFAULT" for the main volume), times as
 * strings and floats, and nil for an unknown build (the hub's strict=False); listRPMs gives an array of structs
 * with {@code id}, {@code name}, {@code version}, {@code release}, {@code nvr}, {@code arch}, {@code epoch},
 * {@code payloadhash}, {@code size} (int; i8 above 2^31-1), {@code buildtime}, {@code build_id},
 * {@code buildroot_id}, {@code external_repo_id}, {@code external_repo_name}, {@code metadata_only},
 * {@code extra}; keyword arguments arrive as a last struct flagged {@code __starstar}, as koji's client sends
 * them, and {@code arches} filters the RPMs. The XML here is written and read by this class alone, not by the
 * code under test.
 */
public final class LocalKoji implements AutoCloseable {

    /** One build the hub knows, and where its RPMs are published. */
    public record Build(long id, String name, String version, String release, int state, String volume,
                        List<Rpm> rpms) {

        public String nvr() {
            return name + "-" + version + "-" + release;
        }
    }

    /** An RPM as the hub lists it; {@code size} is the real file's, whatever the server later sends. */
    public record Rpm(long id, String name, String arch, long size) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final Path root;
    private final Map<Long, Build> builds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger rpmIds = new AtomicInteger(1000);
    private volatile long bytesPerSecond;

    private LocalKoji(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/kojihub", this::hub);
        server.createContext("/", this::file);
        server.setExecutor(threads);
        server.start();
    }

    /** A hub and package server on a free loopback port, serving files from {@code root}. */
    public static LocalKoji start(Path root) throws IOException {
        return new LocalKoji(Files.createDirectories(root));
    }

    public URI hub() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/kojihub");
    }

    public URI topurl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Publishes a build made of these RPM files (named NVRA.rpm) on {@code volume} ("DEFAULT" or another). */
    public Build add(long id, String name, String version, String release, int state, String volume,
                     List<Path> files) throws IOException {
        List<Rpm> rpms = new ArrayList<>();
        for (Path f : files) {
            String nvra = f.getFileName().toString().replaceAll("\\.rpm$", "");
            String arch = nvra.substring(nvra.lastIndexOf('.') + 1);
            String rpmName = nvra.substring(0, nvra.length() - ("-" + version + "-" + release + "." + arch).length());
            Path target = root.resolve(folder(volume, name, version, release) + arch + "/" + f.getFileName());
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            rpms.add(new Rpm(rpmIds.incrementAndGet(), rpmName, arch, Files.size(f)));
        }
        Build build = new Build(id, name, version, release, state, volume, List.copyOf(rpms));
        builds.put(id, build);
        return build;
    }

    /** The served file of an RPM, for tests that damage or remove it. */
    public Path served(Build build, String nvra) {
        String arch = nvra.substring(nvra.lastIndexOf('.') + 1);
        return root.resolve(folder(build.volume(), build.name(), build.version(), build.release()) + arch + "/"
            + nvra + ".rpm");
    }

    /** How many times the package server was asked for this NVRA. */
    public int downloads(String nvra) {
        AtomicInteger n = gets.get(nvra + ".rpm");
        return n == null ? 0 : n.get();
    }

    public int totalDownloads() {
        return gets.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The hub calls so far, as {@code method(arguments)}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** Sends each file at most this fast (0: as fast as it can), like a distant server. */
    public void throttle(long perConnectionBytesPerSecond) {
        bytesPerSecond = perConnectionBytesPerSecond;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static String folder(String volume, String name, String version, String release) {
        String vol = volume.equals("DEFAULT") ? "" : "vol/" + volume + "/";
        return vol + "packages/" + name + "/" + version + "/" + release + "/";
    }

    // ---- the package server -------------------------------------------------------------------------------------

    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            gets.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new AtomicInteger()).incrementAndGet();
            Path file = root.resolve(path.substring(1)).normalize();
            if (!exchange.getRequestMethod().equals("GET") || !file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-rpm");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                copy(in, out);
            }
        }
    }

    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long start = System.nanoTime();
        long sent = 0;
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            sent += n;
            long limit = bytesPerSecond;
            if (limit > 0) {
                long dueNanos = sent * 1_000_000_000L / limit - (System.nanoTime() - start);
                if (dueNanos > 0) {
                    try {
                        Thread.sleep(dueNanos / 1_000_000, (int) (dueNanos % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("server stopping");
                    }
                }
            }
        }
    }

    // ---- the hub ------------------------------------------------------------------------------------------------

    private void hub(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String answer;
            try {
                Element call = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(body)).getDocumentElement();
                String method = text(call, "methodName");
                List<Object> params = new ArrayList<>();
                for (Element p : elements(child(call, "params"), "param")) {
                    params.add(read(child(p, "value")));
                }
                calls.add(method + params);
                answer = switch (method) {
                    case "getBuild" -> response(getBuild(params.get(0)));
                    case "listRPMs" -> response(listRPMs(params));
                    default -> fault(1000, "Invalid method: " + method);
                };
            } catch (Exception e) {
                answer = fault(1000, e.toString());
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private Map<String, Object> getBuild(Object key) {
        Build b = key instanceof Long id ? builds.get(id)
            : builds.values().stream().filter(x -> x.nvr().equals(key)).findFirst().orElse(null);
        if (b == null) {
            return null;
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("build_id", b.id());
        info.put("cg_id", null);
        info.put("cg_name", null);
        info.put("completion_time", "2024-10-21 09:26:48.604000+00:00");
        info.put("completion_ts", 1729502808.604);
        info.put("creation_event_id", 118_000_000L + b.id());
        info.put("creation_time", "2024-10-21 09:21:02.124000+00:00");
        info.put("creation_ts", 1729502462.124);
        info.put("draft", false);
        info.put("epoch", null);
        info.put("extra", Map.of("source", Map.of("original_url", "git+https://src.fedoraproject.org/rpms/"
            + b.name() + ".git")));
        info.put("id", b.id());
        info.put("name", b.name());
        info.put("nvr", b.nvr());
        info.put("owner_id", 4045L);
        info.put("owner_name", "tester");
        info.put("package_id", 900L + b.id());
        info.put("package_name", b.name());
        info.put("release", b.release());
        info.put("source", "git+https://src.fedoraproject.org/rpms/" + b.name() + ".git#0123abc");
        info.put("start_time", "2024-10-21 09:21:02.124000+00:00");
        info.put("start_ts", 1729502462.124);
        info.put("state", (long) b.state());
        info.put("task_id", 124_000_000L + b.id());
        info.put("version", b.version());
        info.put("volume_id", b.volume().equals("DEFAULT") ? 0L : 7L);
        info.put("volume_name", b.volume());
        return info;
    }

    private List<Object> listRPMs(List<Object> params) {
        Map<?, ?> kwargs = params.get(params.size() - 1) instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("__starstar"))
            ? m : Map.of();
        Object buildId = kwargs.containsKey("buildID") ? kwargs.get("buildID") : params.get(0);
        List<?> arches = (List<?>) kwargs.get("arches");
        Build b = builds.get((Long) buildId);
        List<Object> out = new ArrayList<>();
        if (b == null) {
            return out;
        }
        for (Rpm r : b.rpms()) {
            if (arches != null && !arches.contains(r.arch())) {
                continue;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("arch", r.arch());
            info.put("build_id", b.id());
            info.put("buildroot_id", 55_000_000L);
            info.put("buildtime", 1729502700L);
            info.put("draft", false);
            info.put("epoch", null);
            info.put("external_repo_id", 0L);
            info.put("external_repo_name", "INTERNAL");
            info.put("extra", null);
            info.put("id", r.id());
            info.put("metadata_only", false);
            info.put("name", r.name());
            info.put("nvr", r.name() + "-" + b.version() + "-" + b.release());
            info.put("payloadhash", "0123456789abcdef0123456789abcdef");
            info.put("release", b.release());
            info.put("size", r.size());
            info.put("version", b.version());
            out.add(info);
        }
        return out;
    }

    // ---- XML-RPC, written and read here -------------------------------------------------------------------------

    private static String response(Object value) {
        StringBuilder xml = new StringBuilder("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
        write(xml, value);
        return xml.append("</param>\n</params>\n</methodResponse>\n").toString();
    }

    private static String fault(int code, String message) {
        StringBuilder xml = new StringBuilder("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("faultCode", (long) code);
        detail.put("faultString", message);
        write(xml, detail);
        return xml.append("</fault>\n</methodResponse>\n").toString();
    }

    private static void write(StringBuilder xml, Object v) {
        xml.append("<value>");
        if (v == null) {
            xml.append("<nil/>");
        } else if (v instanceof String s) {
            xml.append("<string>").append(s.replace("&", "&amp;").replace("<", "&lt;")).append("</string>");
        } else if (v instanceof Boolean b) {
            xml.append("<boolean>").append(b ? "1" : "0").append("</boolean>");
        } else if (v instanceof Long n) {
            // As koji's marshaller does: <int> while it fits 32 bits, <i8> above.
            String tag = n == n.intValue() ? "int" : "i8";
            xml.append('<').append(tag).append('>').append(n).append("</").append(tag).append('>');
        } else if (v instanceof Double d) {
            xml.append("<double>").append(d).append("</double>");
        } else if (v instanceof Map<?, ?> m) {
            xml.append("<struct>\n");
            m.forEach((k, mv) -> {
                xml.append("<member>\n<name>").append(k).append("</name>\n");
                write(xml, mv);
                xml.append("</member>\n");
            });
            xml.append("</struct>");
        } else if (v instanceof List<?> l) {
            xml.append("<array><data>\n");
            l.forEach(item -> write(xml, item));
            xml.append("</data></array>");
        } else {
            throw new IllegalArgumentException(v.getClass().toString());
        }
        xml.append("</value>\n");
    }

    private static Object read(Element value) {
        Element t = elements(value, null).stream().findFirst().orElse(null);
        if (t == null) {
            return value.getTextContent();
        }
        return switch (t.getTagName()) {
            case "string" -> t.getTextContent();
            case "int", "i4", "i8" -> Long.parseLong(t.getTextContent().trim());
            case "boolean" -> t.getTextContent().trim().equals("1");
            case "nil" -> null;
            case "array" -> elements(child(t, "data"), "value").stream().map(LocalKoji::read).toList();
            case "struct" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Element member : elements(t, "member")) {
                    m.put(text(member, "name"), read(child(member, "value")));
                }
                yield m;
            }
            default -> throw new IllegalArgumentException("unexpected <" + t.getTagName() + ">");
        };
    }

    private static String text(Element parent, String tag) {
        return child(parent, tag).getTextContent();
    }

    private static Element child(Element parent, String tag) {
        return elements(parent, tag).get(0);
    }

    private static List<Element> elements(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
                out.add(e);
            }
        }
        return out;
    }
}
