// The languages every page speaks (SPEC R18: Dutch by default, English, German) and the date and
// size formats that go with each; each app keeps its own sentences beside these.
export const LANGUAGES = ['nl', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as a reader looks for it. */
export const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', en: 'English', de: 'Deutsch' };

const LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB', de: 'de-DE' };

export interface Formats {
  language: Language;
  dateTime(iso: string): string;
  /** A time of today (or soon), without the date. */
  time(iso: string): string;
  size(bytes: number): string;
}

export function formatsFor(language: Language): Formats {
  const locale = LOCALES[language];
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
  const times = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const units = (unit: string) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 });
  const bytes = units('byte');
  const kilobytes = units('kilobyte');
  const megabytes = units('megabyte');
  return {
    language,
    dateTime: (iso) => dates.format(new Date(iso)),
    time: (iso) => times.format(new Date(iso)),
    size: (n) =>
      n < 1024 ? bytes.format(n) : n < 1024 * 1024 ? kilobytes.format(n / 1024) : megabytes.format(n / 1024 / 1024),
  };
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}
