// Folder naming rules shared by every front-end. Names are Unicode, '/' separates levels.
import { UserError } from '../errors.ts';
import { FOLDER_SEPARATOR } from './types.ts';

const MAX_NAME_LENGTH = 512;
const MAX_DEPTH = 32;

/** INBOX is case-insensitive (RFC 3501 §5.1); every other name is exact. */
export function canonicalFolderName(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  const inboxPrefix = `INBOX${FOLDER_SEPARATOR}`;
  if (name.toUpperCase().startsWith(inboxPrefix)) return inboxPrefix + name.slice(inboxPrefix.length);
  return name;
}

export function validateFolderName(name: string): string {
  const canonical = canonicalFolderName(name);
  const parts = canonical.split(FOLDER_SEPARATOR);
  if (
    canonical.length === 0 ||
    canonical.length > MAX_NAME_LENGTH ||
    parts.length > MAX_DEPTH ||
    parts.some((part) => part.length === 0 || part.trim() !== part) ||
    // Wildcards and control characters would make LIST patterns ambiguous.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f*%]/.test(canonical)
  ) {
    throw new UserError('CANNOT', `Invalid folder name "${name}"`);
  }
  return canonical;
}

/** "a/b/c" → ["a", "a/b"]. */
export function parentNames(name: string): string[] {
  const parts = name.split(FOLDER_SEPARATOR);
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join(FOLDER_SEPARATOR));
}

export function isDescendant(name: string, ancestor: string): boolean {
  return name.startsWith(ancestor + FOLDER_SEPARATOR);
}
