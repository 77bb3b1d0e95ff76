import BuraqYAML
import Foundation
import Testing

struct ScalarTests {
    struct Box<T: Decodable & Sendable>: Decodable { var v: T }

    func value<T: Decodable & Sendable>(_ type: T.Type, _ text: String) throws -> T {
        try YAMLDecoder().decode(Box<T>.self, from: "v: \(text)\n").v
    }

    @Test(arguments: [
        ("true", true), ("True", true), ("TRUE", true), ("yes", true), ("Yes", true), ("YES", true), ("on", true),
        ("On", true), ("ON", true), ("y", true), ("Y", true), ("false", false), ("False", false), ("FALSE", false),
        ("no", false), ("No", false), ("NO", false), ("off", false), ("Off", false), ("OFF", false), ("n", false),
        ("N", false),
    ])
    func yaml11Booleans(_ text: String, _ expected: Bool) throws {
        #expect(try value(Bool.self, text) == expected)
        // The same words stay text where a string is wanted.
        #expect(try value(String.self, text) == text)
    }

    @Test(arguments: ["maybe", "1", "\"true\"", "'yes'", "[true]"])
    func notBooleans(_ text: String) {
        #expect(yamlError { _ = try value(Bool.self, text) }?.code == .typeMismatch)
    }

    @Test func stringsKeepTheirText() throws {
        #expect(try value(String.self, "1.10") == "1.10")
        #expect(try value(String.self, "0x1F") == "0x1F")
        #expect(try value(String.self, "2026-01-02T03:04:05Z") == "2026-01-02T03:04:05Z")
        #expect(try value(String.self, "\"null\"") == "null")
        #expect(try value(String.self, "!!str ~") == "~")
        #expect(try value(String.self, "'it''s'") == "it's")
        #expect(try value(String.self, "\"tab\\tnew\\nline\"") == "tab\tnew\nline")
        #expect(try value(String.self, "|\n  a\n  b\n") == "a\nb\n")
        #expect(try value(String.self, ">-\n  a\n  b\n") == "a b")
        #expect(yamlError { _ = try value(String.self, "~") }?.message == "expected a string, got null")
    }

    @Test func numbers() throws {
        #expect(try value(Double.self, "1.5") == 1.5)
        #expect(try value(Double.self, ".5") == 0.5)
        #expect(try value(Double.self, "1e3") == 1000)
        #expect(try value(Double.self, "-.inf") == -.infinity)
        #expect(try value(Double.self, ".nan").isNaN)
        #expect(try value(Double.self, "7") == 7)
        #expect(try value(Float.self, "0.25") == 0.25)
        #expect(yamlError { _ = try value(Double.self, "inf") } != nil)
        #expect(try value(UInt8.self, "255") == 255)
        #expect(yamlError { _ = try value(UInt8.self, "256") }?.message == "expected an integer from 0 to 255, got '256'")
        #expect(yamlError { _ = try value(UInt32.self, "-1") } != nil)
        #expect(try value(Int8.self, "-128") == -128)
        #expect(try value(Int64.self, "-9223372036854775808") == Int64.min)
        #expect(try value(UInt64.self, "18446744073709551615") == UInt64.max)
        #expect(try value(Int16.self, "0o777") == 511)
        #expect(try value(Int.self, "0") == 0)
        #expect(yamlError { _ = try value(Int.self, "0x") } != nil)
        #expect(yamlError { _ = try value(Int.self, "1e3") } != nil)
    }

    @Test func decodesFromData() throws {
        let data = Data("v: [1, 2, 3]\n".utf8)
        #expect(try YAMLDecoder().decode(Box<[Int]>.self, from: data).v == [1, 2, 3])
    }

    @Test func utf16WithByteOrderMark() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "v: é\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try YAMLDecoder().decode(Box<String>.self, from: bytes).v == "é")
    }

    @Test func nestedContainersAndSuperDecoder() throws {
        struct Pair: Decodable, Equatable {
            var a: Int
            var b: [String]
            init(from decoder: any Decoder) throws {
                var list = try decoder.unkeyedContainer()
                a = try list.decode(Int.self)
                var inner = try list.nestedUnkeyedContainer()
                b = [try inner.decode(String.self), try inner.decode(String.self)]
                #expect(list.isAtEnd)
                #expect(list.count == 2)
            }
        }
        let pair = try YAMLDecoder().decode(Pair.self, from: "[1, [x, y]]")
        #expect(pair.a == 1 && pair.b == ["x", "y"])
        let short = yamlError { _ = try YAMLDecoder().decode(Pair.self, from: "[1]") }
        #expect(short?.message == "expected another list item, found the end of the list")
        #expect(short?.path == "[1]")
    }

    @Test func userInfoReachesInitFromDecoder() throws {
        struct Probe: Decodable {
            var seen: String?
            init(from decoder: any Decoder) throws { seen = decoder.userInfo[CodingUserInfoKey(rawValue: "k")!] as? String }
        }
        var decoder = YAMLDecoder()
        decoder.userInfo[CodingUserInfoKey(rawValue: "k")!] = "v"
        #expect(try decoder.decode(Probe.self, from: "{}").seen == "v")
    }

    @Test func decodeAllReadsEveryDocument() throws {
        let values = try YAMLDecoder().decodeAll(Box<Int>.self, from: "v: 1\n---\n---\nv: 2\n")
        #expect(values.map(\.v) == [1, 2])
    }
}
