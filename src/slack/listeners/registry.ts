import type { AnyMiddlewareArgs, Middleware, SlackAction, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs, SlackEventMiddlewareArgs, SlackShortcutMiddlewareArgs, SlackViewAction, SlackViewMiddlewareArgs } from '@slack/bolt';
import { MultipleListenerError } from '@slack/bolt';

type AnyListener = Middleware<AnyMiddlewareArgs>;
type Args = Parameters<AnyListener>[0];

/** Listeners of one payload kind: by exact id (one Map look-up), then by pattern, in registration order. */
class Table {
  private readonly exact = new Map<string, AnyListener[]>();
  private readonly patterns: [RegExp, AnyListener][] = [];

  add(id: string | RegExp, listener: AnyListener): void {
    if (typeof id === 'string') this.exact.set(id, [...(this.exact.get(id) ?? []), listener]);
    else this.patterns.push([id, listener]);
  }

  match(id: unknown): AnyListener[] | undefined {
    if (typeof id !== 'string') return undefined;
    const found = this.exact.get(id);
    if (this.patterns.length === 0) return found;
    const byPattern = this.patterns.filter(([re]) => re.test(id)).map(([, l]) => l);
    return byPattern.length === 0 ? found : [...(found ?? []), ...byPattern];
  }
}

/**
 * The app's Slack listeners, registered by the features (`listeners.action(id, callback)` where
 * they would call `app.action(id, callback)`) and run by ONE Bolt middleware. Bolt runs every
 * listener's matching middleware for every request, so with one Bolt listener per action id each
 * request paid for all of them; here a request costs a Map look-up.
 *
 * The matching is Bolt's, for the payloads Slack sends this app (envelope.ts): an action by the
 * `action_id` of its first action (Bolt dispatches only that one), a view by `callback_id` and only
 * on submission (`app.view`'s default), a shortcut by its `callback_id`, an event by its type, a
 * command by its name. Several
 * listeners matching one request run concurrently and their failures are reported as Bolt does.
 * A request no listener takes goes on to Bolt's own listeners (none), and is acknowledged by
 * ack-unhandled.ts.
 */
export class SlackListeners {
  private readonly actions = new Table();
  private readonly views = new Table();
  private readonly events = new Table();
  private readonly commands = new Table();
  private readonly shortcuts = new Table();

  action<A extends SlackAction = SlackAction>(actionId: string | RegExp, listener: Middleware<SlackActionMiddlewareArgs<A>>): this {
    this.actions.add(actionId, listener as unknown as AnyListener);
    return this;
  }

  /** A modal submission (`view_submission`) with this callback id. */
  view<V extends SlackViewAction = SlackViewAction>(callbackId: string | RegExp, listener: Middleware<SlackViewMiddlewareArgs<V>>): this {
    this.views.add(callbackId, listener as unknown as AnyListener);
    return this;
  }

  event<T extends string>(type: T, listener: Middleware<SlackEventMiddlewareArgs<T>>): this {
    this.events.add(type, listener as unknown as AnyListener);
    return this;
  }

  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): this {
    this.commands.add(name, listener as AnyListener);
    return this;
  }

  /** A global or message shortcut with this callback id. */
  shortcut(callbackId: string, listener: Middleware<SlackShortcutMiddlewareArgs>): this {
    this.shortcuts.add(callbackId, listener as unknown as AnyListener);
    return this;
  }

  /** The Bolt middleware that runs them: the last of `app.use`. */
  middleware(): AnyListener {
    return async (args) => {
      const listeners = this.listenersFor(args);
      if (listeners === undefined || listeners.length === 0) return args.next();
      const listenerArgs = { ...args, next: noop };
      if (listeners.length === 1) return listeners[0]!(listenerArgs);
      const settled = await Promise.allSettled(listeners.map((l) => l(listenerArgs)));
      const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as Error);
      if (failed.length === 1) throw failed[0];
      if (failed.length > 1) throw new MultipleListenerError(failed);
    };
  }

  private listenersFor(args: Args): AnyListener[] | undefined {
    const a = args as Partial<{ command: { command?: unknown }; action: { action_id?: unknown }; view: { callback_id?: unknown }; event: { type?: unknown }; shortcut: { callback_id?: unknown }; body: { type?: unknown } }>;
    if (a.command !== undefined) return this.commands.match(a.command.command);
    if (a.shortcut !== undefined) return this.shortcuts.match(a.shortcut.callback_id);
    if (a.action !== undefined) return this.actions.match(a.action.action_id);
    if (a.view !== undefined) return a.body?.type === 'view_submission' ? this.views.match(a.view.callback_id) : undefined;
    if (a.event !== undefined) return this.events.match(a.event.type);
    return undefined;
  }
}

const noop = async () => {};
