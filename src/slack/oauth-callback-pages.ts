import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CallbackOptions, defaultCallbackSuccess, ErrorCode } from '@slack/oauth';

/**
 * What a person sees at /slack/oauth_redirect when the install does not happen. Bolt's default
 * answers 500 "Something went wrong" even when the person simply pressed Cancel in Slack
 * (`?error=access_denied`).
 */
function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family: sans-serif; text-align: center; padding: 2em"><h2>${title}</h2><p>${text}</p></body></html>`);
}

const AGAIN = 'To install the app, start again from <a href="/slack/install">/slack/install</a>.';

export const oauthCallbackOptions: CallbackOptions = {
  success: defaultCallbackSuccess,
  failure: (error, _options, req: IncomingMessage, res: ServerResponse) => {
    const flowError = new URL(req.url ?? '/', 'http://localhost').searchParams.get('error');
    if (flowError === 'access_denied') return page(res, 200, 'Installation cancelled', `Nothing was installed. ${AGAIN}`);
    switch (error.code) {
      case ErrorCode.MissingStateError:
      case ErrorCode.InvalidStateError:
      case ErrorCode.MissingCodeError:
        // A reused, expired or foreign state, or a redirect without a code: the link cannot complete an install.
        return page(res, 400, 'This installation link cannot be used', `It has expired, was already used, or was opened in another browser. ${AGAIN}`);
      default:
        return page(res, 500, 'Installation failed', `Slack did not complete the installation. ${AGAIN}`);
    }
  },
};
