import Foundation

/// Reads the label files the exports carry.
enum Labels {
    /// labels.txt as the seed reads it: every line stripped of surrounding white space (so CRLF
    /// files work); a blank line in the middle is an (empty) label, a final newline is not a line.
    static func text(_ data: Data, file: String) throws -> [String] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw VisionError.bundle(file, "labels file is not UTF-8 text")
        }
        // Split on the scalar: in Swift "\r\n" is one Character and would not split on "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// labels.json (Azure ML AutoML): a JSON array of names (or an object with a "labels" array).
    static func json(_ data: Data, file: String) throws -> [String] {
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: data) } catch {
            throw VisionError.bundle(file, "labels file is not valid JSON (\(error.localizedDescription))")
        }
        if let list = value as? [Any] { return list.map { "\($0)" } }
        if let object = value as? [String: Any], let list = object["labels"] as? [Any] { return list.map { "\($0)" } }
        throw VisionError.bundle(file, "labels file should hold a JSON array of label names")
    }
}
