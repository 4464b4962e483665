// Address lines as a person types them: "Name <a@b.nl>, c@d.nl". Commas inside quotes or angle
// brackets do not split (RFC 5322 §3.4 display names may contain them when quoted).
import type { AddressJson, ComposeAddressJson } from '../../../../src/web/webmail/wire.ts';

function splitList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (c === '<' && !quoted) angle = true;
    else if (c === '>' && !quoted) angle = false;
    if ((c === ',' || c === ';') && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

export function parseAddresses(text: string): ComposeAddressJson[] {
  return splitList(text).map((part) => {
    const match = /^(.*)<([^<>]+)>\s*$/.exec(part);
    if (!match) return { address: part };
    const name = match[1]!.trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
    return name ? { name, address: match[2]!.trim() } : { address: match[2]!.trim() };
  });
}

export function formatAddresses(list: ReadonlyArray<AddressJson | ComposeAddressJson>): string {
  return list
    .map((a) => {
      if (!a.name) return a.address;
      const name = /[",;<>@()[\]:\\]/.test(a.name) ? `"${a.name.replace(/(["\\])/g, '\\$1')}"` : a.name;
      return `${name} <${a.address}>`;
    })
    .join(', ');
}
