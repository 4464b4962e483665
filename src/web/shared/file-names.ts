// File names and media types come from senders and patients, so nothing in them may reach a header,
// a stored message or a screen raw: no CR/LF, no path separators, no bidi overrides that disguise an
// extension (`photo\u202Egpj.exe`), no names so long they push the extension out of sight.

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const MAX_NAME_CHARS = 200;

/** A file name safe to store and to show: no control, separator or bidi characters, not too long. */
export function cleanFilename(filename: string): string {
  let name = [...filename.normalize('NFC')]
    .filter((c) => !isUnsafeCharacter(c.codePointAt(0)!))
    .join('')
    .replace(/[/\\]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if ([...name].length > MAX_NAME_CHARS) {
    // keep the extension: it decides which program opens the file
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = [...name].slice(0, MAX_NAME_CHARS - ext.length).join('') + ext;
  }
  return name || 'download';
}

/** C0/C1 controls, line and paragraph separators, bidi marks, embeddings, overrides and isolates. */
function isUnsafeCharacter(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

/** A bare, well-formed media type (parameters dropped), or application/octet-stream. */
export function safeMediaType(contentType: string): string {
  const bare = contentType.split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(bare) ? bare : 'application/octet-stream';
}
