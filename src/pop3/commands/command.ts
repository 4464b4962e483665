// The shape of a POP3 command (STYLE §2): its name, the states it is allowed in, and what it does.
import type { Pop3Session, Pop3State } from '../session.ts';

export interface Pop3Command {
  name: string;
  states: readonly Pop3State[];
  run(session: Pop3Session, args: string[]): Promise<void>;
}
