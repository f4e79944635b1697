import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name, text and children; enough for the services' small answers
/// (S3's InitiateMultipartUploadResult, ListPartsResult, Error; Azure's BlockList).
public struct UploadXMLElement: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [UploadXMLElement]

    /// The first child named `name`.
    public func child(_ name: String) -> UploadXMLElement? { children.first { $0.name == name } }
    /// Every child named `name`.
    public func children(_ name: String) -> [UploadXMLElement] { children.filter { $0.name == name } }
    /// The trimmed text of the first child named `name`.
    public func value(_ name: String) -> String? { child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Parses `data`; nil when it is not well-formed XML.
    public static func parse(_ data: Data) -> UploadXMLElement? {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else { return nil }
        return root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [UploadXMLElement] = []
    var root: UploadXMLElement?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(UploadXMLElement(name: elementName, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
    }
}

extension String {
    /// The text with `& < > " '` escaped for an XML body.
    var xmlEscaped: String {
        var out = ""
        for character in self {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
