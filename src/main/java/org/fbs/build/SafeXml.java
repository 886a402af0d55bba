package org.fbs.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * XML from a repository (repomd.xml, comps), which is not trusted: a DOCTYPE is allowed (comps files name
 * {@code comps.dtd}) but read no further than its declaration, a document with an internal DTD subset is refused, external entities and DTDs are never fetched and entity
 * expansion is bounded (the JDK's secure processing), so a hostile file can neither read the worker's files nor blow
 * up its memory.
 */
final class SafeXml {

    private SafeXml() {
    }

    static Document parse(InputStream in, String where) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(in);
            // Repository metadata names its DTD at most (comps.dtd); one that declares entities of its own is an
            // attack (external entities, expansion bombs), whatever the parser did with them.
            if (doc.getDoctype() != null && doc.getDoctype().getInternalSubset() != null
                && !doc.getDoctype().getInternalSubset().isBlank()) {
                throw new IOException(where + " declares entities in its DOCTYPE; repository metadata does not, so"
                    + " it is not read");
            }
            return doc;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(where + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** {@code parent}'s child elements named {@code name}. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }
}
