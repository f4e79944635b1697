import Foundation
import XCTest
import VigilTestSupport
@testable import VigilConnectors

/// Shared Key signing. Microsoft's page
/// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key) publishes the
/// canonicalized-resource examples checked here, but no signature with exact bytes; the
/// signature golden was computed independently by `scripts/azure-blob-standin.py --sign`
/// (Python's hmac/hashlib/base64), which the last test re-runs when python3 is present.
final class AzureSharedKeySignerTests: XCTestCase {
    /// Azurite's well-known development key (public, not a secret).
    static let devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    let path = "/devstoreaccount1/clips/cam%201/2024-01-02/e1.mp4"
    let query = [("comp", "block"), ("blockid", "YWJj")]
    let headers = [
        "Content-Length": "11", "Content-MD5": "XrY7u+Ae7tCTyyK7j1rNww==", "Content-Type": "video/mp4",
        "x-ms-date": "Fri, 24 May 2013 00:00:00 GMT", "x-ms-version": "2021-08-06", "x-ms-meta-camera": "  front   door ",
    ]

    func signer(_ account: String = "devstoreaccount1") throws -> AzureSharedKeySigner {
        AzureSharedKeySigner(credential: try AzureSharedKeyCredential(account: account, base64Key: Self.devKey))
    }

    func testCanonicalizedResource_matchesPublishedExamples() throws {
        let signer = try signer("myaccount")
        XCTAssertEqual(signer.canonicalizedResource(path: "/mycontainer", query: [("restype", "container"), ("comp", "metadata")]),
                       "/myaccount/mycontainer\ncomp:metadata\nrestype:container")
        XCTAssertEqual(signer.canonicalizedResource(path: "/mycontainer", query: [
            ("restype", "container"), ("comp", "list"), ("include", "snapshots"), ("include", "metadata"), ("include", "uncommittedblobs"),
        ]), "/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nrestype:container")
    }

    func testStringToSign_putBlock_matchesPythonReference() throws {
        let text = try signer().stringToSign(method: "PUT", path: path, query: query, headers: headers)
        XCTAssertEqual(text, "PUT\n\n\n11\nXrY7u+Ae7tCTyyK7j1rNww==\nvideo/mp4\n\n\n\n\n\n\n"
                       + "x-ms-date:Fri, 24 May 2013 00:00:00 GMT\nx-ms-meta-camera:front door\nx-ms-version:2021-08-06\n"
                       + "/devstoreaccount1/devstoreaccount1/clips/cam%201/2024-01-02/e1.mp4\nblockid:YWJj\ncomp:block")
        XCTAssertEqual(try signer().authorization(method: "PUT", path: path, query: query, headers: headers),
                       "SharedKey devstoreaccount1:NSvVm/Pv1F+jO+6tbjweZPeoP1I2AzqEp6bWX/K2ECI=")
    }

    func testZeroContentLength_isAnEmptyLine() throws {
        let text = try signer().stringToSign(method: "GET", path: "/a/b/c", query: [], headers: ["Content-Length": "0"])
        XCTAssertTrue(text.hasPrefix("GET\n\n\n\n"), text)
    }

    func testBadKey_failsWithoutRepeatingIt() {
        XCTAssertThrowsError(try AzureSharedKeyCredential(account: "a", base64Key: "not base64!!")) { error in
            XCTAssertFalse("\(error)".contains("not base64!!"), "\(error)")
        }
    }

    func testSignature_agreesWithPythonOnVariedRequests() throws {
        guard let python = UploadTestProcess.executable("python3") else { throw XCTSkip("python3 not found: cannot cross-check") }
        let script = SharedAssets.packageRoot.appendingPathComponent("scripts/azure-blob-standin.py").path
        let cases: [(String, String, [(String, String)], [String: String])] = [
            ("PUT", path, query, headers),
            ("GET", "/acct/c/x", [("comp", "blocklist"), ("blocklisttype", "uncommitted")], ["x-ms-date": "Mon, 01 Jan 2024 00:00:00 GMT", "x-ms-version": "2021-08-06"]),
            ("HEAD", "/acct/c/%C3%A9t%C3%A9.jpg", [], ["x-ms-date": "Mon, 01 Jan 2024 00:00:00 GMT", "x-ms-version": "2021-08-06", "Range": "bytes=0-1"]),
        ]
        for (method, path, query, headers) in cases {
            let account = path.split(separator: "/").first.map(String.init) ?? ""
            let request: [String: Any] = ["method": method, "path": path, "query": query.map { [$0.0, $0.1] },
                                          "headers": headers, "account": account, "key": Self.devKey]
            let output = try UploadTestProcess.run(python, [script, "--sign"], input: try JSONSerialization.data(withJSONObject: request))
            let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String], output)
            let swift = try signer(account)
            XCTAssertEqual(swift.stringToSign(method: method, path: path, query: query, headers: headers), answer["stringToSign"])
            XCTAssertEqual(swift.authorization(method: method, path: path, query: query, headers: headers),
                           "SharedKey \(account):\(answer["signature"] ?? "")")
        }
    }
}
