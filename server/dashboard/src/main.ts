import { createClient } from '@roomcast/client';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import { createApi } from './api';
import { mountDashboard } from './dashboard';
import { h, replace } from './dom';
import { forgetToken, renderTokenForm, takeToken } from './token';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
const app: HTMLElement = root;

function showMessage(title: string, detail: string, retry: () => void): void {
  const button = h('button', { class: 'button primary', attrs: { type: 'button' } }, 'Try again');
  button.addEventListener('click', retry);
  replace(
    app,
    h(
      'main',
      { class: 'token-page' },
      h('div', { class: 'token-form' }, h('h1', {}, title), h('p', { class: 'muted' }, detail), button),
    ),
  );
}

/** Asks who the token belongs to before anything connects: a refused token goes back to the form. */
async function open(token: string): Promise<void> {
  replace(app, h('main', { class: 'token-page' }, h('p', { class: 'muted' }, 'Opening…')));
  const api = createApi(token);
  let user;
  try {
    user = await api.me();
  } catch (error) {
    if (
      error instanceof RoomcastError &&
      (error.code === ErrorCode.UNAUTHORIZED || error.code === ErrorCode.FORBIDDEN)
    ) {
      forgetToken();
      renderTokenForm(app, (next) => void open(next), `The gateway refused this token: ${error.message}`);
    } else {
      showMessage(
        'The gateway cannot be reached',
        error instanceof Error ? error.message : String(error),
        () => void open(token),
      );
    }
    return;
  }
  const client = createClient({ url: window.location.origin, token });
  const context = { api, client, user, canAcknowledge: user.role === 'operator' || user.role === 'admin' };
  const unmount = mountDashboard(app, context, () => {
    unmount();
    client.disconnect();
    forgetToken();
    renderTokenForm(app, (next) => void open(next));
  });
}

const token = takeToken();
if (token === null) renderTokenForm(app, (next) => void open(next));
else void open(token);
