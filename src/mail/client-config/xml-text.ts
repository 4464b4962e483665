// Escaping for the XML documents the client-configuration renderers write. Display names, host
// names and addresses come from configuration and from requests, so every one of them goes through
// here: a `<` or `&` in a display name must stay text, never become markup.

/** Characters XML 1.0 cannot carry at all, not even as a character reference (XML 1.0 §2.2 Char):
 * C0 controls other than tab/LF/CR, lone surrogates, U+FFFE and U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe in element content and in attribute values (XML 1.0 §2.4, §3.3.3): the five markup
 * characters escaped, characters XML cannot represent replaced by U+FFFD. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITY[c]!);
}
