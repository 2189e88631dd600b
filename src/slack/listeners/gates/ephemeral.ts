export const SOMETHING_WRONG = ':x: Something went wrong on our side; your vote was not changed. Please try again in a moment.';
