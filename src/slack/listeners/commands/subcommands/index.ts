import type { Subcommand } from '../subcommand.js';
import { driftCommand } from './drift.js';
import { gateCommand } from './gate.js';
import { intakeCommand } from './intake.js';
import { mlflowCommand } from './mlflow.js';
import { runCommand } from './run.js';
import { runsCommand } from './runs.js';
import { statusCommand } from './status.js';
import { tokenCommand } from './token.js';
import { viabilityCommand } from './viability.js';

/** Every `/mlops` subcommand, in the order `help` lists them. */
export const SUBCOMMANDS: Subcommand[] = [intakeCommand, runCommand, runsCommand, gateCommand, viabilityCommand, driftCommand, tokenCommand, mlflowCommand, statusCommand];
