// The explicit command registry (STYLE §2): every IMAP command this server understands, by name.
// UID variants (RFC 3501 §6.4.8) reuse the plain command with `uid` set by the connection; unlike
// FETCH, STORE and SEARCH they may cause EXPUNGE responses (RFC 3501 §7.4.1).
import type { ImapCommand } from './command.ts';
import { appendCommand } from './commands/append.ts';
import { authenticateCommand } from './commands/authenticate.ts';
import { capabilityCommand } from './commands/capability.ts';
import { checkCommand } from './commands/check.ts';
import { closeCommand } from './commands/close.ts';
import { copyCommand } from './commands/copy.ts';
import { createCommand } from './commands/create.ts';
import { deleteCommand } from './commands/delete.ts';
import { enableCommand } from './commands/enable.ts';
import { examineCommand } from './commands/examine.ts';
import { expungeCommand } from './commands/expunge.ts';
import { fetchCommand } from './commands/fetch.ts';
import { idCommand } from './commands/id.ts';
import { idleCommand } from './commands/idle.ts';
import { listCommand } from './commands/list.ts';
import { loginCommand } from './commands/login.ts';
import { logoutCommand } from './commands/logout.ts';
import { lsubCommand } from './commands/lsub.ts';
import { moveCommand } from './commands/move.ts';
import { namespaceCommand } from './commands/namespace.ts';
import { noopCommand } from './commands/noop.ts';
import { renameCommand } from './commands/rename.ts';
import { searchCommand } from './commands/search.ts';
import { selectCommand } from './commands/select.ts';
import { statusCommand } from './commands/status.ts';
import { storeCommand } from './commands/store.ts';
import { subscribeCommand } from './commands/subscribe.ts';
import { unselectCommand } from './commands/unselect.ts';
import { unsubscribeCommand } from './commands/unsubscribe.ts';

const COMMANDS: ReadonlyArray<ImapCommand<unknown>> = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  loginCommand,
  authenticateCommand,
  idCommand,
  enableCommand,
  namespaceCommand,
  selectCommand,
  examineCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  listCommand,
  lsubCommand,
  statusCommand,
  appendCommand,
  idleCommand,
  checkCommand,
  closeCommand,
  unselectCommand,
  expungeCommand,
  searchCommand,
  fetchCommand,
  storeCommand,
  copyCommand,
  moveCommand,
];

// RFC 4315 §2.1 adds UID EXPUNGE; RFC 6851 §3.2 UID MOVE.
const UID_COMMANDS: ReadonlyArray<ImapCommand<unknown>> = [fetchCommand, storeCommand, searchCommand, copyCommand, moveCommand, expungeCommand];

export function createRegistry(): ReadonlyMap<string, ImapCommand<unknown>> {
  const registry = new Map<string, ImapCommand<unknown>>();
  for (const command of COMMANDS) registry.set(command.name, command);
  for (const command of UID_COMMANDS) {
    const name = `UID ${command.name}`;
    registry.set(name, { ...command, name, expungeUpdates: true });
  }
  return registry;
}
