import BuraqBase
import Testing

struct TextHelpersTests {
    @Test(arguments: [
        ("  a b \n", "a b"), ("\t\r\n", ""), ("", ""), ("x", "x"), (" 42", "42"), ("é ", "é"),
    ])
    func trimsWhitespaceAndLineBreaks(text: String, expected: String) {
        #expect(text.trimmedWhitespace == expected)
        #expect(text[...].trimmedWhitespace == expected)
    }

    @Test func comparesHeaderNamesWithoutASCIICase() {
        #expect("Retry-After".equalsIgnoringASCIICase("retry-after"))
        #expect("CONTENT-TYPE".equalsIgnoringASCIICase("content-type"))
        #expect(!"Retry-After".equalsIgnoringASCIICase("Retry-Afte"))
        // Only letters fold: '@' (0x40) and '`' (0x60) differ by the same bit but are not a case pair.
        #expect(!"@".equalsIgnoringASCIICase("`"))
        #expect(!"[".equalsIgnoringASCIICase("{"))
    }

    @Test func encodesQueryValuesAndPathSegments() {
        #expect(PercentEncoding.encode("app=web,tier in (a,b)") == "app%3Dweb%2Ctier%20in%20%28a%2Cb%29")
        #expect(PercentEncoding.encode("plain-Name_1.2~") == "plain-Name_1.2~")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("a/b:c@d", allowed: PercentEncoding.isPathSegmentAllowed) == "a%2Fb:c@d")
    }

    @Test func decodesWhatItEncodes() {
        for text in ["", "a b", "é/ü?&=%", "100%", "日本"] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
        }
        #expect(PercentEncoding.decode("a%2fb") == "a/b")
        #expect(PercentEncoding.decode("bad%2") == nil)
        #expect(PercentEncoding.decode("bad%zz") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)  // not UTF-8
    }
}
