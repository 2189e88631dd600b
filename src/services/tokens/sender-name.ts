import type { Db } from '../../db/client.js';
import { tokensByPublicId } from '../../db/repositories/api-tokens.js';
import { senderLabel } from '../../domain/experiments/api-token.js';

/**
 * The name a message shows for what an API token sent (`token:<public id>`, as runs and drift
 * batches store their sender): the token's name, or its id when it has none. Read when the message
 * is drawn, so a token named later shows its name. Null for anything not sent by a token.
 */
export async function tokenSenderName(db: Db, teamId: string, sentBy: string | null): Promise<string | null> {
  if (!sentBy?.startsWith('token:')) return null;
  const publicId = sentBy.slice('token:'.length);
  const token = (await tokensByPublicId(db, teamId, [publicId])).get(publicId);
  return senderLabel(token ?? { name: null, publicId });
}
