#!/usr/bin/env node
// Regenerates the Dovecot reference files in this folder. Not run by the tests: they compare
// against the stored output, so no Dovecot is needed to run them.
//
// Needs Dovecot (`apt-get install -y dovecot-imapd`; the files here came from 2.3.19.1) and root
// (mail is read as user nobody). Each corpus message is converted to CRLF line endings (what an
// IMAP server stores and what Dovecot sizes are counted in), put alone in a throw-away Maildir,
// and fetched through Dovecot's imap binary in pre-authenticated mode over a pipe; no network.
//
//   node test/imap/format/golden/make-dovecot-reference.mjs
//
// Writes dovecot-corpus.json ({file: {BODYSTRUCTURE, ENVELOPE}} for every corpus message) and
// dovecot-sections.json (BODY.PEEK[section] for the messages and sections listed below).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;
const corpus = new URL('../../../../../shared/corpus/messages/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'dovecot-ref-'));
chmodSync(work, 0o755); // imap runs as nobody

writeFileSync(
  join(work, 'dovecot.conf'),
  [
    'protocols = imap',
    `mail_location = maildir:${work}/Maildir`,
    `log_path = ${work}/dovecot.log`,
    `base_dir = ${work}/run`,
    `state_dir = ${work}/state`,
    'ssl = no',
    'mail_uid = nobody',
    'mail_gid = nogroup',
    'first_valid_uid = 1',
    '',
  ].join('\n'),
);

export const SECTIONS = {
  '0135-mimekit-rfc2060.eml': [
    'HEADER',
    'TEXT',
    '1',
    '2',
    '3.HEADER',
    '3.TEXT',
    '3.1',
    '3.2',
    '4.1',
    '4.1.MIME',
    '4.2.HEADER',
    '4.2.TEXT',
    '4.2.1',
    '4.2.2.1',
    '4.2.2.2',
    '4.2.2.2.MIME',
    '3.MIME',
    'HEADER.FIELDS (SUBJECT FROM)',
    '4.2.HEADER.FIELDS.NOT (SUBJECT)',
    '9',
    '1.1',
    '2.HEADER',
  ],
  '0012-mail-attachment-message-rfc822.eml': [
    '1',
    '1.MIME',
    '2',
    '2.MIME',
    '2.HEADER',
    '2.TEXT',
    '2.1',
    '2.2',
    '2.2.MIME',
    'HEADER.FIELDS (content-type to)',
  ],
  '0048-mail-raw-email-with-nested-attachment.eml': ['1', '1.1', '1.2', '1.2.1', '2', '2.MIME', 'TEXT'],
  '0035-mail-trademark-character-in-subject.eml': ['1', '1.MIME', 'HEADER.FIELDS.NOT (received)', '2'],
};

/** Skips one IMAP value starting at i (list, quoted, literal or atom); returns the index after it. */
function skipValue(s, i) {
  if (s[i] === '(') {
    i++;
    while (s[i] !== ')') {
      i = skipValue(s, i);
      if (s[i] === ' ') i++;
    }
    return i + 1;
  }
  if (s[i] === '"') {
    i++;
    while (s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    return i + 1;
  }
  if (s[i] === '{') {
    const close = s.indexOf('}', i);
    return close + 3 + Number(s.slice(i + 1, close));
  }
  while (i < s.length && !' ()'.includes(s[i])) i++;
  return i;
}

function fetch(bytes, items) {
  rmSync(join(work, 'Maildir'), { recursive: true, force: true });
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(work, 'Maildir', d), { recursive: true });
  writeFileSync(join(work, 'Maildir/cur/1.msg:2,S'), bytes);
  spawnSync('chown', ['-R', 'nobody:nogroup', join(work, 'Maildir')]);
  writeFileSync(join(work, 'script.txt'), `a examine INBOX\r\nf fetch 1 (${items.join(' ')})\r\nz logout\r\n`);
  // imap refuses a socket or a plain file as stdin; a pipe from cat is what it accepts
  spawnSync('sh', ['-c', `cat script.txt | /usr/lib/dovecot/imap -c dovecot.conf > out.bin`], {
    cwd: work,
    env: { USER: 'nobody', HOME: work },
  });
  const out = readFileSync(join(work, 'out.bin')).toString('latin1');
  const result = {};
  const start = out.indexOf('* 1 FETCH (');
  if (start === -1) throw new Error(`no FETCH response:\n${out}`);
  let i = start + 11;
  while (i < out.length && out[i] !== ')') {
    let nameEnd = out.indexOf(' ', i);
    if (out.slice(i, nameEnd).includes('[') && !out.slice(i, nameEnd).includes(']')) nameEnd = out.indexOf(']', i) + 1;
    const name = out.slice(i, nameEnd);
    const end = skipValue(out, nameEnd + 1);
    result[name] = out.slice(nameEnd + 1, end);
    i = end;
    if (out[i] === ' ') i++;
  }
  return result;
}

const crlf = (bytes) => Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

const corpusRef = {};
for (const file of readdirSync(corpus)
  .filter((f) => f.endsWith('.eml'))
  .sort()) {
  corpusRef[file] = fetch(crlf(readFileSync(corpus + file)), ['BODYSTRUCTURE', 'ENVELOPE']);
}
writeFileSync(join(here, 'dovecot-corpus.json'), `${JSON.stringify(corpusRef, null, 2)}\n`);

const sectionRef = {};
for (const [file, sections] of Object.entries(SECTIONS)) {
  const response = fetch(
    crlf(readFileSync(corpus + file)),
    sections.map((s) => `BODY.PEEK[${s}]`),
  );
  sectionRef[file] = {};
  for (const section of sections) {
    // Dovecot echoes the field names upper-cased; look the response up case-insensitively
    const key = Object.keys(response).find((k) => k.toUpperCase() === `BODY[${section}]`.toUpperCase());
    sectionRef[file][section] = key === undefined ? null : response[key];
  }
}
writeFileSync(join(here, 'dovecot-sections.json'), `${JSON.stringify(sectionRef, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
console.log(`wrote ${Object.keys(corpusRef).length} messages and ${Object.keys(sectionRef).length} section sets`);
