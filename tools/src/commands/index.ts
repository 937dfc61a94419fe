import type { Command } from '../cli-deps';
import { downCommand } from './down';
import { drillCommand } from './drill';
import { faultsCommand } from './faults';
import { flipCommand } from './flip';
import { loadCommand } from './load';
import { localCommand } from './local';
import { continueCommand } from './continue';
import { rollbackCommand } from './rollback';
import { undoCommand } from './undo';
import { suiteCommand } from './suite';
import { upCommand } from './up';
import { watchCommand } from './watch';

/** The rehearsal commands, in the order the help text lists them. Each lives in its own file. */
export const COMMANDS: Record<string, Command> = {
  faults: faultsCommand,
  flip: flipCommand,
  load: loadCommand,
  local: localCommand,
  suite: suiteCommand,
  up: upCommand,
  down: downCommand,
  watch: watchCommand,
  drill: drillCommand,
  rollback: rollbackCommand,
  undo: undoCommand,
  continue: continueCommand,
};
