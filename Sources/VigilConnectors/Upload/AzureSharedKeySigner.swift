import Crypto
import Foundation

/// An Azure Storage account name and its base64 account key.
///
/// The key is decoded once; `description` names the account only.
public struct AzureSharedKeyCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let account: String
    let key: Data

    /// Fails when `base64Key` is not base64 (the error does not repeat it).
    public init(account: String, base64Key: String) throws {
        guard let key = Data(base64Encoded: base64Key), !key.isEmpty else {
            throw UploadError(.invalidConfiguration, context: "azure.account_key", "the account key is not base64")
        }
        self.account = account
        self.key = key
    }

    public var description: String { "AzureSharedKeyCredential(\(account), key redacted)" }
    public var debugDescription: String { description }
}

/// Azure Storage Shared Key authorization for the Blob service (version 2015-02-21 and later,
/// so an empty Content-Length line for a zero-length body).
///
/// Builds the string to sign — the verb, eleven standard header lines, the canonicalized `x-ms-*`
/// headers and the canonicalized resource — and signs it with HMAC-SHA256 under the account key.
/// Spec: https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
public struct AzureSharedKeySigner: Sendable {
    public let credential: AzureSharedKeyCredential

    public init(credential: AzureSharedKeyCredential) { self.credential = credential }

    /// The standard headers in string-to-sign order.
    static let standardHeaders = ["content-encoding", "content-language", "content-length", "content-md5", "content-type",
                                  "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]

    /// The string to sign. `path` is the URL path as sent (percent-encoded, e.g.
    /// `/container/a%20b.mp4`); `query` holds decoded names and values; `headers` are every header
    /// sent that the service sees (names in any case).
    public func stringToSign(method: String, path: String, query: [(String, String)], headers: [String: String]) -> String {
        var lower: [String: String] = [:]
        for (name, value) in headers { lower[name.lowercased()] = value }
        var lines = [method.uppercased()]
        for name in Self.standardHeaders {
            var value = lower[name] ?? ""
            if name == "content-length", value == "0" { value = "" }
            lines.append(value)
        }
        return lines.joined(separator: "\n") + "\n" + canonicalizedHeaders(lower) + canonicalizedResource(path: path, query: query)
    }

    /// `x-ms-*` headers: lower-case names sorted, `name:value\n` with values trimmed and inner
    /// whitespace runs collapsed.
    func canonicalizedHeaders(_ lower: [String: String]) -> String {
        lower.filter { $0.key.hasPrefix("x-ms-") }
            .sorted { $0.key < $1.key }
            .map { "\($0.key):\(S3Signer.trimmedHeaderValue($0.value))\n" }
            .joined()
    }

    /// `/account/path`, then `\nname:v1,v2` per query parameter: names lower-cased and sorted,
    /// values decoded and sorted.
    public func canonicalizedResource(path: String, query: [(String, String)]) -> String {
        var resource = "/\(credential.account)\(path.isEmpty ? "/" : path)"
        var values: [String: [String]] = [:]
        for (name, value) in query { values[name.lowercased(), default: []].append(value) }
        for name in values.keys.sorted() {
            resource += "\n\(name):" + values[name]!.sorted().joined(separator: ",")
        }
        return resource
    }

    /// The base64 HMAC-SHA256 of `stringToSign` under the account key.
    public func signature(stringToSign: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: SymmetricKey(data: credential.key))
        return Data(code).base64EncodedString()
    }

    /// `SharedKey account:signature`.
    public func authorization(method: String, path: String, query: [(String, String)], headers: [String: String]) -> String {
        let signature = signature(stringToSign: stringToSign(method: method, path: path, query: query, headers: headers))
        return "SharedKey \(credential.account):\(signature)"
    }
}
