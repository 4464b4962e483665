// SELECT and FETCH 1:* (UID FLAGS RFC822.SIZE) on the big folder, on every server given. Runs
// alternate between the servers (Z, D, Z, D, …) so a slow patch of the machine hits both alike.
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapClient, type TlsTarget } from './imap-client.ts';
import { summarise, type Summary } from './stats.ts';

export interface ImapServer {
  name: string;
  tls: TlsTarget;
  user: string;
  password: string;
}

export interface ImapFigures {
  cipher: string;
  /** First SELECT after the server started (on a fresh run Dovecot also builds its index then). */
  selectColdMs: number;
  /** First FETCH after that. */
  fetchFirstMs: number;
  select: Summary;
  fetch: Summary;
  fetchBytes: number;
  /** SELECT once every message but the newest 100 is \Seen: the first unseen is near the end. */
  selectAllRead: Summary | null;
}

export const FETCH_ITEMS = '(UID FLAGS RFC822.SIZE)';
/** The corpus leaves the newest 100 messages unread (corpus.ts). */
const UNREAD_AT_END = 100;
const DIRTY_WINDOW_MS = 3000;

type Log = (line: string) => void;

export async function measureImap(
  servers: ImapServer[],
  options: { messages: number; runs: number; log: Log },
): Promise<Map<string, ImapFigures>> {
  const { messages, runs, log } = options;
  const cold = await measureCold(servers, messages, log);
  // The cold session claimed \Recent for the whole folder, so this one sees none, on both servers
  // alike: the steady state of a client re-syncing a big folder.
  const clients = new Map<string, ImapClient>();
  try {
    for (const server of servers) {
      const client = await ImapClient.connect(server.tls);
      clients.set(server.name, client);
      await client.login(server.user, server.password);
    }
    const select = await alternate(servers, runs, (s) => selectInbox(clients.get(s.name)!, s.name, messages));
    const fetchBytes = new Map<string, number>();
    const fetch = await alternate(servers, runs, async (s) => {
      const { ms, bytes } = await fetchAll(clients.get(s.name)!, s.name, messages);
      fetchBytes.set(s.name, bytes);
      return ms;
    });
    warnOnDifferentWork(fetchBytes, log);
    const allRead = messages > UNREAD_AT_END ? await measureAllRead(servers, clients, messages, runs) : null;
    const figures = new Map<string, ImapFigures>();
    for (const server of servers) {
      figures.set(server.name, {
        cipher: clients.get(server.name)!.cipher,
        selectColdMs: cold.get(server.name)!.select,
        fetchFirstMs: cold.get(server.name)!.fetch,
        select: summarise(select.get(server.name)!),
        fetch: summarise(fetch.get(server.name)!),
        fetchBytes: fetchBytes.get(server.name)!,
        selectAllRead: allRead ? summarise(allRead.get(server.name)!) : null,
      });
    }
    return figures;
  } finally {
    for (const client of clients.values()) await client.close();
  }
}

/** The first SELECT and FETCH of a session right after the server started. */
async function measureCold(servers: ImapServer[], messages: number, log: Log) {
  const cold = new Map<string, { select: number; fetch: number }>();
  for (const server of servers) {
    const client = await ImapClient.connect(server.tls);
    try {
      await client.login(server.user, server.password);
      const select = await selectInbox(client, server.name, messages);
      const { ms: fetch } = await fetchAll(client, server.name, messages);
      log(`  ${server.name}: cold SELECT ${select.toFixed(1)} ms, first FETCH ${fetch.toFixed(1)} ms`);
      cold.set(server.name, { select, fetch });
    } finally {
      await client.close();
    }
  }
  return cold;
}

/** SELECT when all but the newest messages are read — a reader who keeps up with mail. SELECT's
 * [UNSEEN n] then names a message near the end of the folder. The flags are set through IMAP on
 * both servers (untimed) and restored afterwards, so a --reuse run starts from the same folder. */
async function measureAllRead(servers: ImapServer[], clients: Map<string, ImapClient>, messages: number, runs: number) {
  const readUpTo = messages - UNREAD_AT_END;
  const unreadBefore = new Map<string, string>();
  for (const server of servers) {
    const client = clients.get(server.name)!;
    const search = await client.command('SEARCH UNSEEN', { collect: true });
    const seqs = search.lines.flatMap((line) => (/^\* SEARCH/i.test(line) ? line.split(' ').slice(2).map(Number) : []));
    unreadBefore.set(server.name, sequenceSet(seqs.filter((seq) => seq <= readUpTo)));
    await expectOk(client, server.name, `STORE 1:${readUpTo} +FLAGS.SILENT (\\Seen)`);
  }
  // Dovecot rescans a Maildir whose directory changed within the last moments (it cannot tell
  // changes in the same second apart); the pause measures both in their steady state.
  await sleep(DIRTY_WINDOW_MS);
  try {
    return await alternate(servers, runs, (s) => selectInbox(clients.get(s.name)!, s.name, messages));
  } finally {
    for (const server of servers) {
      const set = unreadBefore.get(server.name);
      if (set) await expectOk(clients.get(server.name)!, server.name, `STORE ${set} -FLAGS.SILENT (\\Seen)`);
    }
  }
}

/** One untimed warm-up round, then `runs` timed rounds, each round visiting every server. */
async function alternate(
  servers: ImapServer[],
  runs: number,
  measure: (server: ImapServer) => Promise<number>,
): Promise<Map<string, number[]>> {
  const samples = new Map(servers.map((s) => [s.name, [] as number[]]));
  for (let run = 0; run <= runs; run++) {
    for (const server of servers) {
      const ms = await measure(server);
      if (run > 0) samples.get(server.name)!.push(ms);
    }
  }
  return samples;
}

async function selectInbox(client: ImapClient, server: string, messages: number): Promise<number> {
  const result = await client.command('SELECT INBOX', { collect: true });
  if (result.status !== 'OK') throw new Error(`${server}: SELECT failed: ${result.status} ${result.text}`);
  const exists = result.lines.map((line) => /^\* (\d+) EXISTS/i.exec(line)).find(Boolean);
  // A wrong count would mean the servers are not doing the same work.
  if (!exists || Number(exists[1]) !== messages) {
    throw new Error(`${server}: SELECT reported ${exists?.[1] ?? 'no'} EXISTS, expected ${messages}`);
  }
  return result.ms;
}

async function fetchAll(client: ImapClient, server: string, messages: number): Promise<{ ms: number; bytes: number }> {
  const result = await client.command(`FETCH 1:* ${FETCH_ITEMS}`);
  if (result.status !== 'OK') throw new Error(`${server}: FETCH failed: ${result.status} ${result.text}`);
  if (result.untagged !== messages) {
    throw new Error(`${server}: FETCH returned ${result.untagged} responses, expected ${messages}`);
  }
  return { ms: result.ms, bytes: result.bytes };
}

async function expectOk(client: ImapClient, server: string, command: string): Promise<void> {
  const result = await client.command(command);
  if (result.status !== 'OK')
    throw new Error(`${server}: ${command.split(' ')[0]} failed: ${result.status} ${result.text}`);
}

/** Same messages and flags should give FETCH responses of (nearly) the same size; a big
 * difference means the servers were not asked to do the same work. */
function warnOnDifferentWork(bytes: Map<string, number>, log: Log): void {
  const sizes = [...bytes];
  const smallest = Math.min(...sizes.map(([, b]) => b));
  if (sizes.some(([, b]) => b > smallest * 1.02)) {
    log(`  warning: FETCH responses differ in size (${sizes.map(([name, b]) => `${name} ${b} bytes`).join(', ')})`);
  }
}

/** "3:5,9" from [3, 4, 5, 9]; empty when there is nothing. */
function sequenceSet(seqs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const start = seqs[i]!;
    while (i + 1 < seqs.length && seqs[i + 1] === seqs[i]! + 1) i++;
    parts.push(start === seqs[i] ? String(start) : `${start}:${seqs[i]}`);
  }
  return parts.join(',');
}
