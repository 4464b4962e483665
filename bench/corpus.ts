// Deterministic test messages: the same seed gives the same bytes, so Zorgpost and Dovecot are
// filled with identical folders and runs on different days compare like with like. The mix is a
// GP practice's inbox: lab results, referrals, newsletters, some multipart/alternative.
import { seededRandom } from '../test/mail/mime/helpers.ts';

export interface CorpusMessage {
  /** CRLF line endings (as on the wire). */
  bytes: Buffer;
  flags: string[];
  internalDate: Date;
}

const SENDERS = [
  ['Laboratorium Noord', 'uitslagen@lab-noord.nl'],
  ['Dr. A. de Vries', 'a.devries@ziekenhuis-oost.nl'],
  ['Apotheek De Linde', 'info@apotheekdelinde.nl'],
  ['Huisartsenpost Midden', 'hap@hapmidden.nl'],
  ['J. Bakker', 'j.bakker@fysio-centrum.nl'],
  ['Zorgverzekeraar Zuid', 'declaraties@zvz.nl'],
  ['M. Jansen', 'm.jansen@ggz-west.nl'],
  ['Trombosedienst', 'noreply@trombosedienst.nl'],
  ['Nieuwsbrief LHV', 'nieuws@lhv-bericht.nl'],
  ['Verloskundigenpraktijk Eva', 'praktijk@verloskunde-eva.nl'],
] as const;

const SUBJECTS = [
  'Uitslag bloedonderzoek patiënt',
  'Verwijzing cardiologie',
  'Ontslagbrief afdeling interne geneeskunde',
  'Medicatieoverzicht bijgewerkt',
  'Overdracht HAP weekenddienst',
  'Behandelverslag fysiotherapie',
  'Declaratie retour: ontbrekende gegevens',
  'Doseringsschema antistolling',
  'Nieuwsbrief: richtlijnen en nascholing',
  'Consult verloskunde, graag terugkoppeling',
] as const;

const WORDS = (
  'de het een en van in is op dat te met voor niet aan zijn er bij ook als uit door maar om nog ' +
  'patiënt uitslag controle medicatie verwijzing afspraak dosering bloeddruk huisarts specialist ' +
  'behandeling advies onderzoek klachten week dagen poli terugkoppeling graag vriendelijke groet'
).split(' ');

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function paragraph(random: () => number, bytes: number): string {
  const lines: string[] = [];
  let line = '';
  let total = 0;
  while (total < bytes) {
    const word = pick(random, WORDS);
    if (line.length + word.length + 1 > 72) {
      lines.push(line);
      total += line.length + 2;
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}

/** The i-th message (0-based) of a folder of `count`, addressed to `to`. */
export function folderMessage(i: number, count: number, to: string): CorpusMessage {
  const random = seededRandom(0x5eed + i);
  const [name, from] = pick(random, SENDERS);
  const subject = `${pick(random, SUBJECTS)} ${1000 + Math.floor(random() * 9000)}`;
  // Two years of mail, oldest first, so UID order is date order as after real delivery.
  const start = Date.UTC(2023, 0, 1);
  const internalDate = new Date(start + Math.floor((i / count) * 730 * 86_400_000) + Math.floor(random() * 3_600_000));
  const id = `${i}.${Math.floor(random() * 1e9)}@bench.zorgpost`;
  const size = 1800 + Math.floor(random() * 2000);
  const multipart = random() < 0.2;
  const header = [
    `Return-Path: <${from}>`,
    `Received: from mail.${from.split('@')[1]} by mx.zorgpost.test with ESMTPS id ${id}; ${internalDate.toUTCString()}`,
    `From: ${name} <${from}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${internalDate.toUTCString()}`,
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
  ];
  let body: string;
  if (multipart) {
    const boundary = `=_bench_${i}`;
    const text = paragraph(random, size / 2);
    header.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `<html><body><p>${text.replace(/\r\n/g, ' ')}</p></body></html>`,
      `--${boundary}--`,
      '',
    ].join('\r\n');
  } else {
    header.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    body = `${paragraph(random, size)}\r\n`;
  }
  return {
    bytes: Buffer.from(`${header.join('\r\n')}\r\n\r\n${body}`, 'utf8'),
    flags: folderFlags(i, count, random),
    internalDate,
  };
}

/** Someone who keeps up with mail: old messages read (a few left unread), the newest 100 unread,
 * some flagged or answered. */
function folderFlags(i: number, count: number, random: () => number): string[] {
  const flags: string[] = [];
  const recent = i >= count - 100;
  if (!recent && random() >= 0.002) flags.push('\\Seen');
  if (random() < 0.03) flags.push('\\Flagged');
  if (!recent && random() < 0.08) flags.push('\\Answered');
  return flags;
}

/** A submission of about `size` bytes: a short letter and a base64 attachment (a scanned letter,
 * typical in referrals), from `from` to `to`. */
export function submissionMessage(from: string, to: string, size: number, serial: number): Buffer {
  const random = seededRandom(0xfeed + serial);
  const boundary = `=_submit_${serial}`;
  const text = paragraph(random, 600);
  const header = [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: ${pick(random, SUBJECTS)} ${serial}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${serial}.${Date.now()}@submit.bench.zorgpost>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join('\r\n');
  const head =
    `${header}\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--${boundary}\r\n` +
    'Content-Type: application/pdf; name="brief.pdf"\r\nContent-Transfer-Encoding: base64\r\n' +
    'Content-Disposition: attachment; filename="brief.pdf"\r\n\r\n';
  const tail = `\r\n--${boundary}--\r\n`;
  // base64 lines of 76 characters + CRLF encode 57 bytes each.
  const lines = Math.max(1, Math.floor((size - head.length - tail.length) / 78));
  const raw = Buffer.alloc(lines * 57);
  for (let k = 0; k < raw.length; k++) raw[k] = Math.floor(random() * 256);
  const b64 = raw.toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
  return Buffer.from(head + b64 + tail, 'utf8');
}
