import { h, replace } from './dom';

const STORAGE_KEY = 'roomcast.token';

/**
 * The token the page was opened with, or the one this tab kept. A `?token=` in the address is moved
 * into sessionStorage and removed from the address at once, so it does not stay on screen, in the
 * history or in bookmarks; sessionStorage keeps it for reloads of this tab only, and it is gone when
 * the tab closes.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    const trimmed = fromUrl.trim();
    if (trimmed.length > 0) {
      saveToken(trimmed);
      return trimmed;
    }
  }
  return readStored();
}

function readStored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled by the browser's privacy settings; the page then asks on every load.
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // See readStored: without storage the token lives only in this page.
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was stored.
  }
}

/** A quiet sign-in card: paste a token, or read why the last one was refused. */
export function renderTokenForm(root: HTMLElement, onToken: (token: string) => void, problem?: string): void {
  const input = h('textarea', {
    class: 'token-input',
    testid: 'token-input',
    attrs: {
      rows: '4',
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: 'eyJhbGciOi…',
      'aria-label': 'Access token',
    },
  });
  const form = h(
    'form',
    { class: 'token-form', testid: 'token-form' },
    h('h1', { class: 'token-title' }, 'roomcast'),
    h(
      'p',
      { class: 'muted' },
      'Paste an access token to open the dashboard. ',
      'In development, the gateway prints a link with one when it starts; otherwise run ',
      h('code', {}, 'npm run token'),
      '.',
    ),
    problem !== undefined && h('p', { class: 'form-error', testid: 'token-error', attrs: { role: 'alert' } }, problem),
    input,
    h('button', { class: 'button primary', testid: 'token-submit', attrs: { type: 'submit' } }, 'Open dashboard'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token.length === 0) return;
    saveToken(token);
    onToken(token);
  });
  replace(root, h('main', { class: 'token-page' }, form));
  input.focus();
}
