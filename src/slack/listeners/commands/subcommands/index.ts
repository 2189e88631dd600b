import type { Subcommand } from '../subcommand.js';
import { intakeCommand } from './intake.js';
import { statusCommand } from './status.js';

/** Every `/mlops` subcommand, in the order `help` lists them. */
export const SUBCOMMANDS: Subcommand[] = [intakeCommand, statusCommand];
