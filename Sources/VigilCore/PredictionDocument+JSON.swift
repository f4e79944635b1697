import Foundation

extension PredictionDocument {
    /// The document as the seed's Flask service sends it: keys sorted, compact, non-ASCII escaped
    /// (`jsonify`), probabilities as the shortest decimal that round-trips (Python `repr`).
    public func jsonString() -> String {
        var out = "{"
        out += "\"created\":" + (created.map(JSONText.string) ?? "null")
        out += ",\"id\":" + JSONText.string(id)
        out += ",\"iteration\":" + JSONText.string(iteration)
        out += ",\"predictions\":[" + predictions.map { $0.jsonString() }.joined(separator: ",") + "]"
        out += ",\"project\":" + JSONText.string(project)
        return out + "}"
    }

    /// The current time as `datetime.utcnow().isoformat()` writes it (microseconds omitted when 0).
    public static func createdNow(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = Int(((seconds - whole) * 1_000_000).rounded(.down))
        let text = UTCTime.secondText(Int64(whole))
        return micros == 0 ? text : text + "." + UTCTime.fraction(micros, digits: 6)
    }
}

extension Prediction {
    public func jsonString() -> String {
        var out = "{\"boundingBox\":"
        if let box = boundingBox {
            out += "{\"height\":\(JSONText.number(box.height)),\"left\":\(JSONText.number(box.left))"
            out += ",\"top\":\(JSONText.number(box.top)),\"width\":\(JSONText.number(box.width))}"
        } else {
            out += "null"
        }
        out += ",\"probability\":" + JSONText.number(probability)
        switch tagId {
        case .string(let s): out += ",\"tagId\":" + JSONText.string(s)
        case .index(let i): out += ",\"tagId\":\(i)"
        }
        return out + ",\"tagName\":" + JSONText.string(tagName) + "}"
    }
}

/// JSON text the way Python's `json.dumps` writes it.
public enum JSONText {
    /// A string literal with `ensure_ascii` escaping.
    public static func string(_ value: String) -> String {
        var out = "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }

    /// A number as Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4
    /// and from 1e16 (`1.3000000365082087e-07`, `1e+16`); non-finite values as Python writes them.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description is the shortest round-trip representation; only the layout differs.
        let text = "\(value)"
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        var mantissa = body, exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(body[..<e])
            exponent = Int(body[body.index(after: e)...])!
        }
        var digits = mantissa.replacingOccurrences(of: ".", with: "")
        let pointPosition = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count)
        // Normalise to digits d1d2d3... with the decimal exponent of d1.
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let decimalExponent = pointPosition - 1 - leadingZeros + exponent
        var out: String
        if decimalExponent < -4 || decimalExponent >= 16 {
            out = String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += decimalExponent < 0 ? String(format: "e-%02d", -decimalExponent) : String(format: "e+%02d", decimalExponent)
        } else if decimalExponent < 0 {
            out = "0." + String(repeating: "0", count: -decimalExponent - 1) + digits
        } else if digits.count <= decimalExponent + 1 {
            out = digits + String(repeating: "0", count: decimalExponent + 1 - digits.count) + ".0"
        } else {
            let split = digits.index(digits.startIndex, offsetBy: decimalExponent + 1)
            out = digits[..<split] + "." + digits[split...]
        }
        return negative ? "-" + out : out
    }
}
