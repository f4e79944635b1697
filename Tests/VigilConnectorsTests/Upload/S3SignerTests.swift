import Foundation
import XCTest
@testable import VigilConnectors

/// SigV4 against the worked examples AWS publishes in "Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html): the
/// example key pair, bucket `examplebucket`, region us-east-1, 20130524T000000Z.
final class S3SignerTests: XCTestCase {
    let signer = S3Signer(credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                     secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                          region: "us-east-1")
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    let host = "examplebucket.s3.amazonaws.com"

    func testGetObjectExample_matchesPublishedCanonicalRequestAndSignature() {
        let request = S3Signer.Request(method: "GET", path: "/test.txt", headers: [
            "Host": host, "Range": "bytes=0-9",
            "x-amz-content-sha256": S3Signer.emptyPayloadHash, "x-amz-date": "20130524T000000Z",
        ], payloadHash: S3Signer.emptyPayloadHash)
        let (canonical, signed) = signer.canonicalRequest(request)
        XCTAssertEqual(canonical, """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        XCTAssertEqual(signed, "host;range;x-amz-content-sha256;x-amz-date")
        XCTAssertEqual(signer.stringToSign(canonicalRequest: canonical, at: date), """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
        XCTAssertEqual(signer.authorization(for: request, at: date),
                       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                       + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                       + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    func testPutObjectExample_encodesDollarAndMatchesPublishedSignature() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let payloadHash = Digests.sha256Hex(body)
        XCTAssertEqual(payloadHash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = "/" + S3Signer.uriEncode("test$file.text", encodeSlash: false)
        XCTAssertEqual(path, "/test%24file.text")
        let request = S3Signer.Request(method: "PUT", path: path, headers: [
            "Host": host, "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY",
        ], payloadHash: payloadHash)
        let headers = signer.signedHeaders(for: request, at: date)
        XCTAssertEqual(headers["x-amz-date"], "20130524T000000Z")
        XCTAssertEqual(headers["x-amz-content-sha256"], payloadHash)
        var full = request
        for (name, value) in headers where name != "Authorization" { full.headers[name] = value }
        XCTAssertEqual(Digests.sha256Hex(Data(signer.canonicalRequest(full).canonical.utf8)),
                       "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
        XCTAssertEqual(headers["Authorization"],
                       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                       + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                       + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    func testBucketExamples_valuelessAndSortedQueryMatchPublishedSignatures() {
        func signature(_ query: [(String, String)]) -> String? {
            let request = S3Signer.Request(method: "GET", path: "/", query: query, headers: ["Host": host],
                                           payloadHash: S3Signer.emptyPayloadHash)
            return signer.signedHeaders(for: request, at: date)["Authorization"]?.components(separatedBy: "Signature=").last
        }
        // GET Bucket Lifecycle: "?lifecycle" is canonicalised as "lifecycle=".
        XCTAssertEqual(S3Signer.canonicalQuery([("lifecycle", "")]), "lifecycle=")
        XCTAssertEqual(signature([("lifecycle", "")]), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        // Get Bucket (List Objects): parameters sorted by name.
        XCTAssertEqual(signature([("prefix", "J"), ("max-keys", "2")]), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    func testURIEncode_keepsUnreservedAndSlashInPathsOnly() {
        XCTAssertEqual(S3Signer.uriEncode("cam 1/2024-01-02/a+b~_.mp4", encodeSlash: false), "cam%201/2024-01-02/a%2Bb~_.mp4")
        XCTAssertEqual(S3Signer.uriEncode("a/b=c", encodeSlash: true), "a%2Fb%3Dc")
        XCTAssertEqual(S3Signer.uriEncode("é", encodeSlash: true), "%C3%A9")
    }

    func testCredentialsDescription_hidesTheSecret() {
        let text = "\(signer.credentials) \(String(reflecting: signer.credentials))"
        XCTAssertFalse(text.contains("wJalrXUtnFEMI"), text)
        XCTAssertFalse(text.contains("AKIAIOSFODNN7EXAMPLE"), text)
    }
}
