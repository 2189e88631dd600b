import type { Block } from './store.js';

/**
 * The Block Kit limits Slack enforces (docs.slack.dev/reference/block-kit), so that a message the
 * real Slack would refuse with `invalid_blocks` is refused here too instead of passing in tests.
 */
export function blockErrors(blocks: unknown, surface: 'message' | 'modal' | 'home'): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const errors: string[] = [];
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) errors.push(`too many blocks: ${blocks.length} > ${max}`);
  const textLen = (t: unknown) => (t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text).length : 0);
  const checkElement = (el: Record<string, unknown>, where: string) => {
    if (typeof el.action_id === 'string' && el.action_id.length > 255) errors.push(`${where}: action_id over 255`);
    if (el.type === 'button') {
      if (textLen(el.text) > 75) errors.push(`${where}: button text over 75 characters`);
      if (typeof el.value === 'string' && el.value.length > 2000) errors.push(`${where}: button value over 2000 characters`);
    }
  };
  blocks.forEach((raw: Block, i) => {
    const where = `block ${i} (${raw.type})`;
    if (typeof raw.block_id === 'string' && raw.block_id.length > 255) errors.push(`${where}: block_id over 255`);
    switch (raw.type) {
      case 'header':
        if (textLen(raw.text) > 150) errors.push(`${where}: header text over 150 characters`);
        break;
      case 'section': {
        if (textLen(raw.text) > 3000) errors.push(`${where}: section text over 3000 characters`);
        const fields = (raw.fields as unknown[] | undefined) ?? [];
        if (fields.length > 10) errors.push(`${where}: more than 10 fields`);
        fields.forEach((f) => textLen(f) > 2000 && errors.push(`${where}: field over 2000 characters`));
        if (!raw.text && fields.length === 0) errors.push(`${where}: section needs text or fields`);
        if (raw.accessory) checkElement(raw.accessory as Record<string, unknown>, where);
        break;
      }
      case 'context': {
        const els = (raw.elements as unknown[] | undefined) ?? [];
        if (els.length === 0 || els.length > 10) errors.push(`${where}: context needs 1 to 10 elements`);
        break;
      }
      case 'actions': {
        const els = (raw.elements as Record<string, unknown>[] | undefined) ?? [];
        if (els.length === 0 || els.length > 25) errors.push(`${where}: actions needs 1 to 25 elements`);
        els.forEach((el) => checkElement(el, where));
        break;
      }
      default:
        break;
    }
  });
  return errors;
}

export function viewErrors(input: object): string[] {
  // Views arrive as untyped JSON from the app under test; read them as plain records.
  const view = input as Record<string, unknown>;
  const errors = blockErrors(view.blocks ?? [], view.type === 'home' ? 'home' : 'modal');
  for (const key of ['title', 'submit', 'close'] as const) {
    const t = view[key] as { text?: string } | undefined;
    if (t?.text && t.text.length > 24) errors.push(`${key} over 24 characters`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) errors.push('private_metadata over 3000 characters');
  if (JSON.stringify(view).length > 250_000) errors.push('view over 250 kB');
  return errors;
}
