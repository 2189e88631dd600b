import type { Db } from '../../db/client.js';
import { tokensByPublicId } from '../../db/repositories/api-tokens.js';
import { senderLabel } from '../../domain/experiments/api-token.js';

/** The name an alert shows for a batch's sender (`token:<public id>` as stored), or null when unknown. */
export async function batchSender(db: Db, teamId: string, sentBy: string | null): Promise<string | null> {
  if (!sentBy?.startsWith('token:')) return null;
  const publicId = sentBy.slice('token:'.length);
  const token = (await tokensByPublicId(db, teamId, [publicId])).get(publicId);
  return senderLabel(token ?? { name: null, publicId });
}
