import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { appHomeOpened } from './app-home-opened.js';
import { appUninstalled, tokensRevoked } from './uninstall.js';

export function registerEvents(listeners: SlackListeners, deps: Deps): void {
  listeners.event('app_home_opened', appHomeOpened(deps));
  listeners.event('app_uninstalled', appUninstalled(deps));
  listeners.event('tokens_revoked', tokensRevoked(deps));
}
