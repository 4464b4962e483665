// SPEC R24: a client that opens connections and never completes TLS cannot starve the listeners:
// connections per source address are capped and a silent TLS handshake times out.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import { startTestServer } from '../helpers/harness.ts';
import { WireSocket, imapLoginReply } from '../helpers/wire-socket.ts';

async function openRaw(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

const closedWithin = (socket: Socket, ms: number) =>
  Promise.race([once(socket, 'close').then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

it('caps connections per source address and drops silent TLS handshakes', async () => {
  const server = await startTestServer({ limits: { maxConnectionsPerAddress: 3, tlsHandshakeSeconds: 1 } });
  try {
    const account = await server.addMailbox('arts@limits.example');
    for (const port of [server.ports.imaps, server.ports.pop3s, server.ports.https]) {
      const held = [await openRaw(port), await openRaw(port), await openRaw(port)];
      const refused = await openRaw(port);
      assert.ok(await closedWithin(refused, 1000), `port ${port}: the fourth connection from one address is closed at once`);
      for (const socket of held) socket.destroy();
    }
    // SMTP answers the one over the limit after the handshake, with a 421 greeting (RFC 5321 §3.1).
    const greet = async () => {
      const wire = await WireSocket.tls(server.ports.smtps, server.ca);
      return { wire, greeting: await wire.readLine() };
    };
    const sessions = [await greet(), await greet(), await greet()];
    assert.ok(sessions.every((s) => s.greeting.startsWith('220 ')));
    const over = await greet();
    assert.match(over.greeting, /^421 .*Too many connections/);
    for (const s of [...sessions, over]) s.wire.destroy();
    // A client that connects and never starts TLS is disconnected after the handshake time.
    const silent = await openRaw(server.ports.imaps);
    assert.ok(await closedWithin(silent, 5000), 'silent IMAPS connection closed');
    const silentPop = await openRaw(server.ports.pop3s);
    assert.ok(await closedWithin(silentPop, 5000), 'silent POP3S connection closed');
    // Real clients are served throughout.
    assert.match(await imapLoginReply(server.ports.imaps, server.ca, account.klantnummer, account.key), /^a1 OK/);
  } finally {
    await server.close();
  }
});
