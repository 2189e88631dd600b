// Types for blocks.js, a plain browser module (no build step), so TypeScript tests can import it.
import type { MrkdwnContext } from './mrkdwn.js';

/** What a click or a pick in a message, modal or App Home asks the page to send as block_actions. */
export interface BlockAction {
  blockId: string;
  actionId: string;
  /** The element's type: button, overflow, static_select, users_select, datepicker, radio_buttons, … */
  type: string;
  /** A button's value. */
  value?: string;
  /** What was picked in a select, overflow, radio group, date or time picker (null when cleared). */
  selectedValue?: string | null;
  /** Checkboxes (and a radio group, as one item): every value now checked. */
  selectedValues?: string[];
  /** The button's or picked option's text, as shown. */
  label?: string;
  /** A button's or overflow menu's `confirm` dialog, untouched: the page asks before sending when it is present. */
  confirm?: unknown;
}

export interface BlockContext<N = unknown> extends MrkdwnContext<N> {
  /** Where an image's `slack_file: { id }` is served. */
  fileUrl?: (fileId: string) => string;
  onAction?: (action: BlockAction) => void;
  /** Validation errors by block_id, as a view_submission's `response_action: "errors"` gives them. */
  errors?: Readonly<Record<string, string>>;
}

/** Values by block_id, then action_id: text (null when empty), a picked value, or a list of them. */
export type FormValues = Record<string, Record<string, string | string[] | null>>;

/** The few parts of a form control readValues reads: an HTMLFormElement's `elements` in the page. */
export interface FormControlLike {
  name?: string;
  type?: string;
  value?: string;
  checked?: boolean;
  multiple?: boolean;
  selectedOptions?: ArrayLike<{ value: string }>;
  /** A datetimepicker's zone (data-tz): its wall time is read there. */
  dataset?: { tz?: string };
}

export const FIELD_SEP: '\u001f';
export function fieldName(blockId: string, actionId: string): string;
export function readValues(form: { elements: ArrayLike<FormControlLike> }): FormValues;
export function secondsToZoned(seconds: number, tz: string): string;
export function zonedToSeconds(local: string, tz: string): string | null;
export function renderBlocks<N>(blocks: readonly unknown[] | null | undefined, ctx: BlockContext<N>): N;
