// Viewer triggers in the subject line (SPEC R16, manual §4.9.6): `[veilig]`, `[secure]`, or with the
// recipient's mobile number `[veilig 0612345678]` / `[secure +31612345678]`. Keywords come from the
// organisation's policy and match case-insensitively; the trigger is removed from the subject.

export interface TriggerMatch {
  /** The number as typed (normalised later by the phone rules), or null. */
  mobile: string | null;
  /** The subject without the trigger. */
  subject: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function findTrigger(subject: string, keywords: readonly string[]): TriggerMatch | null {
  if (keywords.length === 0) return null;
  const words = keywords.map(escape).join('|');
  // A number is what people type: digits, an optional leading +, spaces, dashes, dots, (0).
  const pattern = new RegExp(`\\[\\s*(?:${words})(?:[\\s:]+([+0-9][0-9 ().\\-]{4,30}[0-9]))?\\s*\\]`, 'iu');
  const match = pattern.exec(subject);
  if (!match) return null;
  const rest = (subject.slice(0, match.index) + ' ' + subject.slice(match.index + match[0].length)).replace(/\s{2,}/g, ' ').trim();
  return { mobile: match[1] ?? null, subject: rest };
}
