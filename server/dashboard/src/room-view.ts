import type { Subscription, SubscriptionState } from '@roomcast/client';
import type { RoomName } from '@roomcast/shared';
import { setText } from './dom';

/** What the dashboard shows for one watched room. */
export interface RoomView {
  readonly room: RoomName;
  readonly element: HTMLElement;
  destroy(): void;
}

const NOTICES: Partial<Record<SubscriptionState, string>> = {
  subscribing: 'Joining the room…',
  error: 'The gateway refused this room: the token may not allow it.',
};

/** Shows the subscription's state in a card while it is anything but subscribed. */
export function watchSubscriptionState(subscription: Subscription, notice: HTMLElement): () => void {
  const show = (state: SubscriptionState, detail?: string): void => {
    const text = NOTICES[state];
    notice.dataset.state = state;
    notice.hidden = text === undefined;
    setText(notice, text === undefined ? '' : detail === undefined ? text : `${text} (${detail})`);
  };
  show(subscription.state, subscription.error?.message);
  return subscription.on('state', ({ newState }) => show(newState, subscription.error?.message));
}
