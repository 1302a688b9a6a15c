package dev.cagent.macos.parse;

import dev.cagent.Texts;
import org.w3c.dom.Document;
import org.w3c.dom.DocumentType;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Directory Services record as {@code dscl . -read} prints it: attribute names as printed
 * ({@code dsAttrTypeStandard:UniqueID} in the plist form, {@code UniqueID} in the plain form,
 * {@code dsAttrTypeNative:IsHidden} in both), each with its values in order.
 */
public record DsRecord(Map<String, List<String>> attributes) {

    private static final String STANDARD = "dsAttrTypeStandard:";
    private static final String NATIVE = "dsAttrTypeNative:";

    /** {@code Key:} or {@code Key: values}; a key may hold colons ({@code dsAttrTypeNative:IsHidden}) but no blank. */
    private static final Pattern PLAIN_KEY_LINE = Pattern.compile("([^\\s:]+(?::[^\\s:]+)*):(?: (.*))?");

    public DsRecord {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((key, values) -> copy.put(key, List.copyOf(values)));
        attributes = Collections.unmodifiableMap(copy);
    }

    /**
     * Parses {@code dscl -plist . -read} output: a plist dict whose values are arrays of strings,
     * XML entities decoded. The parser loads no DTD and resolves no entity; a document type with
     * an internal subset (which dscl never prints) is refused. A {@code <data>} value is kept as
     * its base64 text.
     *
     * @throws IllegalStateException when the text is not such a plist
     */
    public static DsRecord parsePlist(String xml) {
        Document document = parseXml(xml);
        DocumentType doctype = document.getDoctype();
        if (doctype != null && doctype.getInternalSubset() != null && !doctype.getInternalSubset().isBlank()) {
            throw new IllegalStateException("dscl plist declares its own DTD entries, which dscl never prints: refused");
        }
        Element plist = document.getDocumentElement();
        if (!plist.getTagName().equals("plist")) {
            throw new IllegalStateException("dscl plist output starts with <" + plist.getTagName() + "> instead of <plist>");
        }
        List<Element> top = children(plist);
        if (top.size() != 1 || !top.get(0).getTagName().equals("dict")) {
            throw new IllegalStateException("dscl plist output must hold exactly one <dict>, found " + names(top));
        }
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        List<Element> items = children(top.get(0));
        for (int i = 0; i < items.size(); i += 2) {
            Element key = items.get(i);
            if (!key.getTagName().equals("key") || i + 1 >= items.size()) {
                throw new IllegalStateException("dscl plist dict must alternate <key> and value, found <" + key.getTagName() + "> at item " + i);
            }
            String name = key.getTextContent();
            if (attributes.put(name, plistValues(name, items.get(i + 1))) != null) {
                throw new IllegalStateException("dscl plist names attribute " + Texts.visible(name) + " twice");
            }
        }
        return new DsRecord(attributes);
    }

    /**
     * Parses plain {@code dscl . -read} output: {@code Key: v1 v2}, or {@code Key:} followed by one
     * value per line, each indented by one blank, when any value holds a blank.
     * {@code dsAttrTypeStandard:} is already stripped by dscl, {@code dsAttrTypeNative:} kept. A line
     * that is neither (a value holding a newline) continues the value before it. dscl prints no
     * attribute without a value, so a {@code Key:} with nothing after it holds one empty value.
     *
     * @throws IllegalStateException quoting the first line that belongs to no attribute
     */
    public static DsRecord parsePlain(String text) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        List<String> current = null;
        boolean valuePerLine = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher key = PLAIN_KEY_LINE.matcher(line);
            if (line.startsWith(" ")) {
                if (!valuePerLine) {
                    throw new IllegalStateException("dscl output line " + Texts.visible(line) + " is indented but follows no 'Key:' line");
                }
                current.add(line.substring(1));
            } else if (key.matches()) {
                current = new ArrayList<>();
                valuePerLine = key.group(2) == null;
                if (!valuePerLine) {
                    current.addAll(List.of(key.group(2).split(" ", -1)));
                }
                if (attributes.put(key.group(1), current) != null) {
                    throw new IllegalStateException("dscl output names attribute " + Texts.visible(key.group(1)) + " twice");
                }
            } else if (current != null && !current.isEmpty()) {
                current.set(current.size() - 1, current.get(current.size() - 1) + "\n" + line);
            } else {
                throw new IllegalStateException("dscl output line " + Texts.visible(line) + " belongs to no attribute");
            }
        }
        attributes.replaceAll((name, values) -> values.isEmpty() ? List.of("") : values);
        return new DsRecord(attributes);
    }

    /**
     * The values of an attribute by short name: {@code UniqueID} finds {@code dsAttrTypeStandard:UniqueID},
     * {@code dsAttrTypeNative:UniqueID} or {@code UniqueID}; a full name finds only itself. Empty if absent.
     *
     * @throws IllegalStateException when the short name fits more than one attribute
     */
    public List<String> values(String name) {
        List<String> keys = name.contains(":") ? List.of(name) : List.of(name, STANDARD + name, NATIVE + name);
        List<String> present = keys.stream().filter(attributes::containsKey).toList();
        if (present.size() > 1) {
            throw new IllegalStateException("attribute name " + Texts.visible(name) + " fits " + present + ": give the full name");
        }
        return present.isEmpty() ? List.of() : attributes.get(present.get(0));
    }

    /** Whether the attribute is present (with at least one value, which may be empty text). */
    public boolean has(String name) {
        return !values(name).isEmpty();
    }

    public Optional<String> first(String name) {
        return values(name).stream().findFirst();
    }

    /**
     * The attribute's single value as a whole number (negative allowed: {@code nobody} is -2).
     *
     * @throws IllegalStateException naming attribute and value when it is not one whole number
     */
    public OptionalInt intValue(String name) {
        List<String> values = values(name);
        if (values.isEmpty()) {
            return OptionalInt.empty();
        }
        if (values.size() > 1) {
            throw new IllegalStateException("attribute " + name + " holds " + values.size() + " values " + values + " where one number was expected");
        }
        try {
            return OptionalInt.of(Integer.parseInt(values.get(0)));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("attribute " + name + " holds " + Texts.visible(values.get(0)) + ", not a whole number", e);
        }
    }

    private static List<String> plistValues(String name, Element value) {
        return switch (value.getTagName()) {
            case "array" -> children(value).stream().map(item -> plistText(name, item)).toList();
            case "string", "data" -> List.of(plistText(name, value));
            default -> throw new IllegalStateException("dscl plist attribute " + Texts.visible(name) + " holds <" + value.getTagName() + ">, not an array of strings");
        };
    }

    private static String plistText(String name, Element item) {
        return switch (item.getTagName()) {
            case "string" -> item.getTextContent();
            case "data" -> item.getTextContent().replaceAll("\\s", "");
            default -> throw new IllegalStateException("dscl plist attribute " + Texts.visible(name) + " holds <" + item.getTagName() + "> where a <string> was expected");
        };
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                elements.add(element);
            } else if (node.getNodeType() == Node.TEXT_NODE && !node.getTextContent().isBlank()) {
                throw new IllegalStateException("dscl plist holds stray text " + Texts.visible(node.getTextContent().strip()) + " inside <" + parent.getTagName() + ">");
            }
        }
        return elements;
    }

    private static List<String> names(List<Element> elements) {
        return elements.stream().map(e -> "<" + e.getTagName() + ">").toList();
    }

    private static Document parseXml(String xml) {
        try {
            DocumentBuilder builder = secureFactory().newDocumentBuilder();
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity refused: " + systemId);
            });
            builder.setErrorHandler(SILENT_STRICT);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("dscl output is not a readable plist: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured safely", e);
        }
    }

    private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        return factory;
    }

    /** Fails on every problem and prints nothing (the default handler writes to System.err). */
    private static final ErrorHandler SILENT_STRICT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
