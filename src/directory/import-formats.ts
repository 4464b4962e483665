// The community directory's import and export files, one place for the CLI and the admin API to find
// them. Pure text in, text out: reading files and applying records is the directory service's work.
//
// CSV (csv-format.ts): header row of `kind`, `hidden` and attribute names; multi-valued cells separated
// by " | "; postalAddress lines by "$". LDIF (ldif-format.ts): RFC 2849 content records, with
// `zorgpostHidden: TRUE|FALSE` for hidden entries.
export { csvChunks, formatDirectoryCsv, parseDirectoryCsv } from './csv-format.ts';
export { formatDirectoryLdif, HIDDEN_ATTRIBUTE, ldifChunks, parseDirectoryLdif, readLdif } from './ldif-format.ts';
export type { LdifEntry } from './ldif-format.ts';
export { CSV_VALUE_SEPARATOR, IMPORTABLE_ATTRIBUTES } from './import-record.ts';
