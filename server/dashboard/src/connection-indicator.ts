import type { ClientState } from '@roomcast/client';
import { h, setText } from './dom';

const LABELS: Record<ClientState, string> = {
  connected: 'Live',
  connecting: 'Connecting…',
  disconnected: 'Offline',
  closed: 'Closed',
};

/** The SDK's states: `connecting` covers retries with backoff; `disconnected` means it stopped trying. */
const TITLES: Record<ClientState, string> = {
  connected: 'Connected to the gateway: values update as they arrive.',
  connecting: 'Connecting to the gateway, retrying with backoff. Values shown may be stale.',
  disconnected: 'Not connected, and not retrying: the gateway refused the token. Values shown are stale.',
  closed: 'The connection was closed.',
};

export interface ConnectionIndicator {
  readonly element: HTMLElement;
  set(state: ClientState, detail?: string): void;
}

/** A dot and a word in the header: the one place the operator looks to know whether values are live. */
export function createConnectionIndicator(initial: ClientState): ConnectionIndicator {
  const label = h('span', { class: 'connection-label' });
  const element = h(
    'div',
    { class: 'connection', testid: 'connection-indicator', attrs: { role: 'status', 'aria-live': 'polite' } },
    h('span', { class: 'connection-dot', attrs: { 'aria-hidden': 'true' } }),
    label,
  );
  const set = (state: ClientState, detail?: string): void => {
    element.dataset.state = state;
    setText(label, LABELS[state]);
    element.title = detail === undefined ? TITLES[state] : `${TITLES[state]} ${detail}`;
  };
  set(initial);
  return { element, set };
}
