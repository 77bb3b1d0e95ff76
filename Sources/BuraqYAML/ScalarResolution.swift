/// What plain scalars mean when a type asks for a boolean or a number. Quoted and block scalars
/// are always strings; a plain scalar is a string too when the type wants a string, so `no`,
/// `on`, `1.10` or `0755` stay exactly as written in string fields (as Kubernetes' typed
/// decoding does).
enum ScalarResolution {
    /// YAML 1.2 booleans plus the YAML 1.1 words Kubernetes' YAML library accepts
    /// (`yes`/`no`/`on`/`off`/`y`/`n` in lower, title or upper case).
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: return nil
        }
    }

    /// Why a plain scalar is not an integer of type `T`, or its value.
    enum IntegerResult<T> {
        case value(T)
        case notInteger
        case outOfRange
        case leadingZero
    }

    /// Decimal (`-12`, `+3`, `1_000`), hexadecimal (`0x1F`) and octal (`0o17`) integers.
    /// `010` is refused: YAML 1.1 reads it as 8, YAML 1.2 as 10.
    static func integer<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> IntegerResult<T> {
        // Fast path: plain decimals without a leading zero, the usual case.
        let digits = text.utf8.drop { $0 == 0x2B || $0 == 0x2D }
        if digits.first != 0x30 || digits.count == 1, let value = T(text) { return .value(value) }
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        body = body.filter { $0 != "_" }[...]
        var radix = 10
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0o") || body.hasPrefix("0O") {
            radix = 8
            body = body.dropFirst(2)
        } else if body.count > 1, body.first == "0", body.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return .leadingZero
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isHexDigit && $0.hexDigitValue! < radix }) else {
            return .notInteger
        }
        guard let magnitude = UInt64(body, radix: radix) else { return .outOfRange }
        if negative {
            guard T.isSigned else { return magnitude == 0 ? .value(0) : .outOfRange }
            let limit = UInt64(T.max) + 1
            guard magnitude <= limit else { return .outOfRange }
            return magnitude == limit ? .value(T.min) : .value(0 - T(magnitude))
        }
        guard magnitude <= UInt64(T.max) else { return .outOfRange }
        return .value(T(magnitude))
    }

    /// Decimal numbers (`1.5`, `.5`, `1e3`, `1_000.5`) and `.inf`, `-.inf`, `.nan`.
    static func double(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let body = text.filter { $0 != "_" }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            body.contains(where: \.isNumber)
        else { return nil }
        return Double(body)
    }
}
