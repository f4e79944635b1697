import Foundation

/// Finds and hides credentials in URLs so that no log line, error or status shows a password.
enum CredentialRedaction {
    /// Query parameters whose values are secrets (compared case-insensitively).
    static let secretQueryKeys: Set<String> = ["password", "passwd", "pass", "pwd", "token", "secret", "key", "auth"]

    /// Replaces `user:password@` (or `user@`) in every `scheme://` URL of `text` with `***@`, and
    /// the values of secret query parameters with `***`.
    static func redactingURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let schemeEnd = rest.range(of: "://") {
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { "/?# \t\r\n\"'".contains($0) } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                result += "***" + authority[at...]
            } else {
                result += authority
            }
            rest = rest[authorityEnd...]
            // The path and query of this URL, up to whitespace or a quote.
            let urlEnd = rest.firstIndex { " \t\r\n\"'".contains($0) } ?? rest.endIndex
            result += redactingQuery(in: rest[..<urlEnd])
            rest = rest[urlEnd...]
        }
        return result + rest
    }

    /// The percent-decoded password of a URL's `user:password@`, if it has one.
    static func password(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        let raw = String(authority[authority.index(after: colon)..<at])
        return raw.removingPercentEncoding ?? raw
    }

    private static func redactingQuery(in pathAndQuery: Substring) -> String {
        guard let question = pathAndQuery.firstIndex(of: "?") else { return String(pathAndQuery) }
        let path = pathAndQuery[...question]
        let pairs = pathAndQuery[pathAndQuery.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
        let redacted = pairs.map { pair -> String in
            guard let equals = pair.firstIndex(of: "="),
                  secretQueryKeys.contains(pair[..<equals].lowercased()) else { return String(pair) }
            return pair[...equals] + "***"
        }
        return path + redacted.joined(separator: "&")
    }
}
