package org.fbs.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The groups of a comps file (the {@code comps.dtd} format of a release's repodata, which pungi's
 * {@code pungi/wrappers/comps.py} reads through libcomps): each group's id, name, description and its package
 * requests with their types. Translations ({@code xml:lang}), categories, environments and langpacks are not kept:
 * FBS only copies groups into the comps file of a compose.
 *
 * @param groups by id, in the file's order
 */
public record Comps(Map<String, Group> groups) {

    /** A {@code <packagereq type="..." [requires="..."]>name</packagereq>}. */
    public record PackageReq(String name, String type, String requires) {
    }

    public record Group(String id, String name, String description, List<PackageReq> packages) {
    }

    /** No groups at all. */
    public static final Comps NONE = new Comps(Map.of());

    /** Reads a comps document ({@link SafeXml}: it comes from a repository, so it is not trusted). */
    public static Comps parse(InputStream in, String where) throws IOException {
        Document doc = SafeXml.parse(in, where);
        Element root = doc.getDocumentElement();
        if (!"comps".equals(root.getTagName())) {
            throw new IOException(where + " is not a comps file: its root element is <" + root.getTagName() + ">");
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Element group : SafeXml.children(root, "group")) {
            String id = text(group, "id");
            if (id == null || id.isBlank()) {
                throw new IOException(where + " has a <group> without an <id>");
            }
            List<PackageReq> packages = new ArrayList<>();
            for (Element list : SafeXml.children(group, "packagelist")) {
                for (Element req : SafeXml.children(list, "packagereq")) {
                    String type = req.getAttribute("type").isEmpty() ? "default" : req.getAttribute("type");
                    String requires = req.getAttribute("requires").isEmpty() ? null : req.getAttribute("requires");
                    packages.add(new PackageReq(req.getTextContent().strip(), type, requires));
                }
            }
            groups.putIfAbsent(id.strip(), new Group(id.strip(), text(group, "name"), text(group, "description"),
                List.copyOf(packages)));
        }
        return new Comps(java.util.Collections.unmodifiableMap(groups));
    }

    /** This and {@code other}: a group both define is taken from this one (the repository named first). */
    public Comps and(Comps other) {
        Map<String, Group> all = new LinkedHashMap<>(groups);
        other.groups.forEach(all::putIfAbsent);
        return new Comps(java.util.Collections.unmodifiableMap(all));
    }

    /** The untranslated text of {@code parent}'s first {@code name} child, or null. */
    private static String text(Element parent, String name) {
        for (Element e : SafeXml.children(parent, name)) {
            if (!e.hasAttribute("xml:lang")) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
