/**
 * What a person is told when the app cannot reach its database (stopped, restarting): that it is
 * on our side, that nothing was changed — the request ran in no transaction, or in one that was
 * rolled back — and that the same request will work again shortly, with no action of theirs.
 */
export const DATABASE_UNAVAILABLE_TEXT = ":hourglass: MLOps Lifecycle can't reach its database right now, so nothing was changed. Please try again in a minute.";

/** The same, for a modal's input error, which Slack shows as plain text (no emoji codes). */
export const DATABASE_UNAVAILABLE_PLAIN = "MLOps Lifecycle can't reach its database right now, so nothing was changed. Please try again in a minute.";
