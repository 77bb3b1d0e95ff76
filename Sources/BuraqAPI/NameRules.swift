/// The Kubernetes and Redis naming rules TaskQueue fields follow; each returns nil when the
/// text is fine, or what it must be.
enum NameRules {
    // ASCII checks on bytes: Character properties go through Unicode tables and are much slower.
    private static func isLowerAlnum(_ c: Character) -> Bool {
        guard let b = c.asciiValue else { return false }
        return (b >= 0x61 && b <= 0x7A) || isDigit(b)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isAlnum(_ c: Character) -> Bool {
        guard let b = c.asciiValue else { return false }
        return (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || isDigit(b)
    }

    /// Letters and digits (ASCII) or one of `extra`.
    private static func only(_ text: String, alnumOr extra: String) -> Bool {
        text.allSatisfy { isAlnum($0) || extra.contains($0) }
    }

    /// A DNS-1123 label: up to 63 lowercase letters, digits and '-', starting and ending alphanumeric.
    static func dnsLabel(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 63, let first = text.first, let last = text.last, isLowerAlnum(first),
            isLowerAlnum(last), text.allSatisfy({ isLowerAlnum($0) || $0 == "-" })
        else {
            return "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit"
        }
        return nil
    }

    /// A DNS-1123 subdomain: up to 253 characters of dot-separated labels (lowercase letters,
    /// digits, '-').
    static func dnsSubdomain(_ text: String) -> String? {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let ok =
            !text.isEmpty && text.count <= 253
            && labels.allSatisfy { label in
                guard let first = label.first, let last = label.last else { return false }
                return isLowerAlnum(first) && isLowerAlnum(last) && label.allSatisfy { isLowerAlnum($0) || $0 == "-" }
            }
        return ok
            ? nil
            : "must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit"
    }

    /// A key in a Secret: letters, digits, '-', '_', '.'; up to 253 characters.
    static func secretKey(_ text: String) -> String? {
        let ok = !text.isEmpty && text.count <= 253
            && only(text, alnumOr: "-_.")
        return ok ? nil : "must consist of letters, digits, '-', '_' or '.' (at most 253 characters)"
    }

    /// A name inside Redis keys (queue, consumer group): letters, digits, '.', '_', '-', ':'; 1 to 200 characters.
    static func redisName(_ text: String) -> String? {
        let ok = !text.isEmpty && text.utf8.count <= 200
            && only(text, alnumOr: "._-:")
        return ok ? nil : "must consist of letters, digits, '.', '_', '-' or ':' (1 to 200 characters)"
    }

    /// A priority level: letters, digits, '-', '_'; 1 to 32 characters.
    static func priorityLevel(_ text: String) -> String? {
        let ok = !text.isEmpty && text.count <= 32
            && only(text, alnumOr: "-_")
        return ok ? nil : "must consist of letters, digits, '-' or '_' (1 to 32 characters)"
    }

    /// A kind: an upper-case letter, then letters and digits.
    static func kind(_ text: String) -> String? {
        guard let first = text.first?.asciiValue, first >= 0x41, first <= 0x5A, text.count <= 63,
            only(text, alnumOr: "")
        else { return "must be a kind such as 'Deployment': a capital letter, then letters or digits" }
        return nil
    }

    /// An API version: `v1` or `group/version`.
    static func apiVersion(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let version = parts.last.map(String.init) ?? ""
        let ok = (parts.count == 1 || (parts.count == 2 && dnsSubdomain(String(parts[0])) == nil))
            && dnsLabel(version) == nil
        return ok ? nil : "must be an API version such as 'apps/v1'"
    }

    /// `host:port` with a port from 1 to 65535; IPv6 hosts in brackets.
    static func hostPort(_ text: String) -> String? {
        let problem = "must be 'host:port' with a port from 1 to 65535, such as 'redis:6379' or '[::1]:6379'"
        guard let colon = text.lastIndex(of: ":") else { return problem }
        let host = text[..<colon]
        let port = text[text.index(after: colon)...]
        guard let number = Int(port), (1...65535).contains(number), !host.isEmpty, host.count <= 253,
            host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "@" })
        else { return problem }
        if host.contains(":") && !(host.hasPrefix("[") && host.hasSuffix("]")) { return problem }
        return nil
    }

    /// A label value: up to 63 letters, digits, '-', '_', '.', starting and ending alphanumeric (or empty).
    static func labelValue(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        let ok = text.count <= 63 && isAlnum(text.first!) && isAlnum(text.last!) && only(text, alnumOr: "-_.")
        return ok ? nil : "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    }

    /// A label key: an optional DNS subdomain prefix and '/', then a name like a label value (not empty).
    static func labelKey(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        let prefixOK = parts.count == 1 || (parts.count == 2 && dnsSubdomain(String(parts[0])) == nil)
        guard prefixOK, !name.isEmpty, labelValue(name) == nil else {
            return "must be a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'"
        }
        return nil
    }
}
