package org.fbs.koji;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * XML-RPC as Koji's hub speaks it: requests written as text, answers read with the JDK's parser (no DTDs, no
 * external entities). Values map to Java as: struct to Map, array to List, int/i4/i8 to Long, boolean to
 * Boolean, double to Double, nil to null, string and dateTime to String, base64 to byte[].
 */
final class XmlRpc {

    /** The hub answered with a fault. */
    static final class Fault extends Exception {

        Fault(int code, String message) {
            super(message + " (fault " + code + ")");
        }
    }

    private XmlRpc() {
    }

    static String request(String method, List<?> params) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<methodCall><methodName>")
            .append(escape(method)).append("</methodName><params>");
        for (Object p : params) {
            xml.append("<param>");
            value(xml, p);
            xml.append("</param>");
        }
        return xml.append("</params></methodCall>\n").toString();
    }

    private static void value(StringBuilder xml, Object v) {
        xml.append("<value>");
        if (v == null) {
            xml.append("<nil/>");
        } else if (v instanceof String s) {
            xml.append("<string>").append(escape(s)).append("</string>");
        } else if (v instanceof Boolean b) {
            xml.append("<boolean>").append(b ? 1 : 0).append("</boolean>");
        } else if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            String tag = n == (int) n ? "int" : "i8";
            xml.append('<').append(tag).append('>').append(n).append("</").append(tag).append('>');
        } else if (v instanceof Map<?, ?> map) {
            xml.append("<struct>");
            map.forEach((k, mv) -> {
                xml.append("<member><name>").append(escape(String.valueOf(k))).append("</name>");
                value(xml, mv);
                xml.append("</member>");
            });
            xml.append("</struct>");
        } else if (v instanceof List<?> list) {
            xml.append("<array><data>");
            list.forEach(item -> value(xml, item));
            xml.append("</data></array>");
        } else {
            throw new IllegalArgumentException("no XML-RPC form for " + v.getClass().getSimpleName());
        }
        xml.append("</value>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The one value of a methodResponse, or the hub's fault. */
    static Object response(byte[] body) throws IOException, Fault {
        Element root = parse(body).getDocumentElement();
        if (!root.getTagName().equals("methodResponse")) {
            throw new IOException("not an XML-RPC answer: <" + root.getTagName() + ">");
        }
        Element fault = child(root, "fault");
        if (fault != null) {
            Object detail = decode(only(fault, "value"));
            if (detail instanceof Map<?, ?> map && map.get("faultString") != null) {
                Object code = map.get("faultCode");
                throw new Fault(code instanceof Long n ? n.intValue() : 0, String.valueOf(map.get("faultString")));
            }
            throw new IOException("malformed XML-RPC fault");
        }
        return decode(only(only(only(root, "params"), "param"), "value"));
    }

    private static Document parse(byte[] body) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("unreadable XML-RPC answer: " + e.getMessage(), e);
        }
    }

    private static Object decode(Element value) throws IOException {
        Element typed = firstElement(value);
        if (typed == null) {
            return value.getTextContent(); // <value>text</value> is a string
        }
        String text = typed.getTextContent().trim();
        try {
            return switch (typed.getTagName()) {
                case "string", "dateTime.iso8601" -> typed.getTextContent();
                case "int", "i4", "i8", "ex:i8" -> Long.parseLong(text);
                case "boolean" -> "1".equals(text) || "true".equalsIgnoreCase(text);
                case "double" -> Double.parseDouble(text);
                case "nil", "ex:nil" -> null;
                case "base64" -> Base64.getMimeDecoder().decode(text);
                case "struct" -> struct(typed);
                case "array" -> array(typed);
                default -> throw new IOException("unknown XML-RPC type <" + typed.getTagName() + ">");
            };
        } catch (IllegalArgumentException e) {
            throw new IOException("bad XML-RPC <" + typed.getTagName() + "> value '" + text + "'", e);
        }
    }

    private static Map<String, Object> struct(Element struct) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Element member : children(struct, "member")) {
            map.put(only(member, "name").getTextContent(), decode(only(member, "value")));
        }
        return map;
    }

    private static List<Object> array(Element array) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Element v : children(only(array, "data"), "value")) {
            list.add(decode(v));
        }
        return list;
    }

    private static Element only(Element parent, String tag) throws IOException {
        Element e = child(parent, tag);
        if (e == null) {
            throw new IOException("malformed XML-RPC answer: <" + parent.getTagName() + "> has no <" + tag + ">");
        }
        return e;
    }

    private static Element child(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }
}
