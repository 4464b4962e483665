// Parses a document with Python's standard library (xml.etree.ElementTree, plistlib): parsers
// nobody here wrote, so "well-formed" and "a valid property list" are not our own opinion.
import { execFile } from 'node:child_process';

export interface ParsedElement {
  tag: string;
  attrib: Record<string, string>;
  text: string;
  children: ParsedElement[];
}

const SCRIPT = `
import json, plistlib, sys
import xml.etree.ElementTree as ET
data = sys.stdin.buffer.read()
def element(e):
    return {"tag": e.tag, "attrib": dict(e.attrib), "text": (e.text or "").strip(), "children": [element(c) for c in e]}
if sys.argv[1] == "xml":
    print(json.dumps(element(ET.fromstring(data))))
else:
    print(json.dumps(plistlib.loads(data, fmt=plistlib.FMT_XML)))
`;

function runPython<T>(mode: 'xml' | 'plist', document: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', SCRIPT, mode], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`python3 could not parse the ${mode}: ${stderr || error.message}`));
      resolve(JSON.parse(stdout) as T);
    });
    child.stdin!.end(document);
  });
}

/** The element tree; namespaced tags as `{namespace}local`. Rejects when not well-formed. */
export const parseXmlWithPython = (document: string) => runPython<ParsedElement>('xml', document);

/** The property list as JSON; rejects when it is not a valid XML plist. */
export const parsePlistWithPython = <T = Record<string, unknown>>(document: string) => runPython<T>('plist', document);

/** The first descendant (or self) whose local name is `name`. */
export function find(element: ParsedElement, name: string): ParsedElement | undefined {
  if (element.tag.replace(/^\{[^}]*\}/, '') === name) return element;
  for (const child of element.children) {
    const found = find(child, name);
    if (found) return found;
  }
  return undefined;
}

/** All descendants (or self) whose local name is `name`, in document order. */
export function findAll(element: ParsedElement, name: string): ParsedElement[] {
  const own = element.tag.replace(/^\{[^}]*\}/, '') === name ? [element] : [];
  return [...own, ...element.children.flatMap((child) => findAll(child, name))];
}

/** `{ childLocalName: text }` of an element's direct children. */
export function childTexts(element: ParsedElement): Record<string, string> {
  return Object.fromEntries(element.children.map((c) => [c.tag.replace(/^\{[^}]*\}/, ''), c.text]));
}
