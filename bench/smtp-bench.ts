// SMTPS submission load: N nodemailer clients, each on its own pooled connection (implicit TLS,
// AUTH once), submitting one message after the other to a colleague on the same server, so the
// server sees N concurrent sessions. Connection setup and AUTH happen in an untimed warm-up send.
import { createTransport, type Transporter } from 'nodemailer';
import type { Account } from './zorgpost.ts';
import { submissionMessage } from './corpus.ts';
import { percentile } from './stats.ts';

export interface SmtpFigures {
  clients: number;
  messages: number;
  messageBytes: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export async function measureSmtp(options: {
  port: number;
  ca: Buffer;
  accounts: Account[];
  messages: number;
  messageBytes: number;
}): Promise<SmtpFigures> {
  const { accounts } = options;
  const transports: Transporter[] = accounts.map((account) =>
    createTransport({
      host: '127.0.0.1',
      port: options.port,
      secure: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
      auth: { user: account.klantnummer, pass: account.key },
      tls: { ca: options.ca, servername: 'localhost', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
    }),
  );
  const send = async (client: number, serial: number): Promise<number> => {
    const from = accounts[client]!.address;
    const to = accounts[(client + 1) % accounts.length]!.address;
    // Built before the clock starts: client-side message generation is not the server's time.
    const raw = submissionMessage(from, to, options.messageBytes, serial);
    const started = performance.now();
    await transports[client]!.sendMail({ envelope: { from, to: [to] }, raw });
    return performance.now() - started;
  };
  try {
    await Promise.all(accounts.map((_, client) => send(client, -1 - client)));
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      accounts.map(async (_, client) => {
        while (next < options.messages) latencies.push(await send(client, next++));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      clients: accounts.length,
      messages: latencies.length,
      messageBytes: options.messageBytes,
      seconds,
      perSecond: latencies.length / seconds,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1]!,
      },
    };
  } finally {
    for (const transport of transports) transport.close();
  }
}
