// RFC 2177 IDLE: after the continuation request, changes to the selected folder are pushed as they
// happen (a change event wakes the session, which then asks the service what changed) until the
// client sends DONE.
import { AUTHENTICATED, noArguments, type ImapCommand } from '../command.ts';
import { ImapSyntaxError } from '../errors.ts';

const MAX_DONE_LINE = 1024;

export const idleCommand: ImapCommand<null> = {
  name: 'IDLE',
  states: AUTHENTICATED,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    await session.out.line('+ idling');
    const push = async (force: boolean): Promise<void> => {
      if (!session.selected) return;
      // RFC 2177 §3 / RFC 3501 §7.4.1: during IDLE the server may send EXPUNGE responses.
      await session.announce({ expunge: true, force });
      await session.out.flush();
    };
    session.idleWaker = () => {
      push(false).catch((error: unknown) => session.logger.debug({ err: error }, 'imap idle update failed'));
    };
    try {
      await push(true);
      const line = await session.io.readLine(MAX_DONE_LINE);
      if (line.toString('latin1').toUpperCase() !== 'DONE') throw new ImapSyntaxError('Expected DONE');
    } finally {
      session.idleWaker = null;
    }
    // Announcements are serialised: this waits for one a change event may have started just
    // before DONE, so no EXPUNGE can follow the tagged OK (RFC 3501 §7.4.1).
    if (session.selected) await session.announce({ expunge: true });
  },
};
