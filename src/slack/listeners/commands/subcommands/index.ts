import type { Subcommand } from '../subcommand.js';
import { gateCommand } from './gate.js';
import { statusCommand } from './status.js';

/** Every `/mlops` subcommand, in the order `help` lists them. */
export const SUBCOMMANDS: Subcommand[] = [statusCommand, gateCommand];
