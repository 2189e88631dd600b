import type { Subcommand } from '../subcommand.js';
import { statusCommand } from './status.js';
import { viabilityCommand } from './viability.js';

/** Every `/mlops` subcommand, in the order `help` lists them. */
export const SUBCOMMANDS: Subcommand[] = [statusCommand, viabilityCommand];
