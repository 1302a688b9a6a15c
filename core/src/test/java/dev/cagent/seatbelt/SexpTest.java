package dev.cagent.seatbelt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The test reader of SBPL text: what it accepts, how it reads it, and what it refuses. */
class SexpTest {

    @Test
    void readsListsSymbolsStringsRegexesAndSkipsComments() {
        List<Sexp.Node> forms = Sexp.parse("; a comment (with a paren\n(version 1)\n(allow file-read* ; trailing\n    (literal \"/a \\\"b\\\" \\\\c\")\n    (regex #\"^/dev/ttys[0-9]+$\"))\n");
        assertEquals(2, forms.size());
        assertEquals(new Sexp.ListNode(List.of(new Sexp.Symbol("version"), new Sexp.Symbol("1"))), forms.get(0));
        Sexp.ListNode allow = (Sexp.ListNode) forms.get(1);
        assertEquals("allow", allow.head());
        assertEquals(new Sexp.ListNode(List.of(new Sexp.Symbol("literal"), new Sexp.Str("/a \"b\" \\c"))), allow.items().get(2));
        assertEquals(new Sexp.ListNode(List.of(new Sexp.Symbol("regex"), new Sexp.Regex("^/dev/ttys[0-9]+$"))), allow.items().get(3));
        assertEquals("(allow file-read* (literal \"/a \\\"b\\\" \\\\c\") (regex #\"^/dev/ttys[0-9]+$\"))", allow.toString());
    }

    @Test
    void nestedListsKeepTheirShape() {
        Sexp.ListNode rule = (Sexp.ListNode) Sexp.parse("(allow x (subpath (param \"P\")))").get(0);
        Sexp.ListNode subpath = (Sexp.ListNode) rule.items().get(2);
        assertEquals("subpath", subpath.head());
        assertEquals(new Sexp.ListNode(List.of(new Sexp.Symbol("param"), new Sexp.Str("P"))), subpath.items().get(1));
    }

    @Test
    void anEmptyTextHasNoForms() {
        assertEquals(List.of(), Sexp.parse("  ; only a comment\n\n"));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("(allow x", "the list opened at line 1 column 1 is never closed"),
                arguments("(allow x))", "')' closes no list (at line 1 column 10)"),
                arguments("(literal \"/a)", "the string opened at line 1 column 10 is never closed"),
                arguments("(literal \"/a\nb\")", "the string opened at line 1 column 10 runs over the end of its line"),
                arguments("(literal \"/a\\nb\")", "unknown escape \\n"),
                arguments("(literal /a\"b\")", "'\"' inside a symbol"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesWhatIsNotWellFormedAndSaysWhere(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sexp.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
