// Tokens (admin): every token and its state, a new token whose secret is shown this once, and
// revocation after a confirmation. The secret lives only in the page's field until "Done" or
// leaving the page: the console never writes it to storage, the address or the log.

import { button, el, field, fill, focusHeading, time } from '../dom.js';
import * as api from '../api.js';
import { problemBox } from '../problems.js';

const PAGE = 50;
const STATUS = { active: '● active', expired: '◌ expired', revoked: '✗ revoked' };

export async function tokensView(view) {
  const outcome = el('section', { id: 'token-outcome', 'aria-live': 'polite' });
  const list = el('ul', { id: 'tokens', class: 'tokens' });
  const more = el('div', {});
  const refresh = async () => {
    fill(list);
    await showPage(list, more, outcome, refresh);
  };
  fill(view, el('h1', {}, 'Tokens'),
    el('p', { class: 'muted' }, 'Who may call the API, and with which role. A token’s name is its actor in history. '
      + 'Names are never reused, so a revoked token stays listed.'),
    createForm(outcome, refresh), outcome, el('h2', {}, 'Every token, oldest first'), list, more);
  await showPage(list, more, outcome, refresh);
}

function createForm(outcome, refresh) {
  const name = el('input', { id: 'token-name', name: 'name', type: 'text', autocomplete: 'off', spellcheck: 'false',
    required: true });
  const role = el('select', { id: 'token-role', name: 'role' },
    el('option', { value: 'read' }, 'read: every read'), el('option', { value: 'write' }, 'write: also user writes and revert'),
    el('option', { value: 'admin' }, 'admin: also rollback, backups and tokens'));
  const lifetime = el('input', { id: 'token-expires', name: 'expires', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const form = el('form', { id: 'create-token', class: 'panel filters' },
    field('Name', name, '1–64 letters, digits, . _ or -; never reused, also after revocation'),
    field('Role', role),
    field('Lifetime (optional)', lifetime, 'Such as 90d, 12h or 30m; empty: until revoked'),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, 'Create token')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), role: role.value };
    if (lifetime.value.trim()) {
      body.expires = lifetime.value.trim();
    }
    try {
      const created = (await api.call('POST', '/admin/tokens', { body })).body;
      form.reset();
      showSecret(outcome, created);
      await refresh();
    } catch (e) {
      fill(outcome, problemBox(e));
    }
    focusHeading(outcome);
  });
  return form;
}

/** The secret of a new token, once, in a read-only field to copy from; "Done" removes it from the page. */
function showSecret(outcome, created) {
  const secret = el('input', { id: 'new-secret', type: 'text', readonly: true, autocomplete: 'off', spellcheck: 'false', class: 'secret' });
  secret.value = created.token;
  const copied = el('span', { id: 'copy-status', role: 'status' });
  fill(outcome, el('div', { class: 'panel result', 'data-result': 'created' },
    el('h2', {}, 'Token ' + created.name + ' created'),
    el('p', {}, 'Role ', el('strong', {}, created.role), created.expiresAt ? ['; expires ', time(created.expiresAt)] : '; no expiry',
      '. Its secret is shown this once: the service keeps only its hash, and this page forgets it when you press Done or leave.'),
    field('Secret of ' + created.name, secret),
    el('div', { class: 'buttons' },
      button('Copy the secret', () => copy(secret, copied), { id: 'copy-secret' }),
      button('Done', () => fill(outcome), { id: 'forget-secret' }),
      copied)));
}

async function copy(secret, copied) {
  secret.focus();
  secret.select();
  fill(copied, await copiedTo(secret.value)
    ? '✓ Copied to the clipboard.'
    : 'The browser did not copy it: the secret is selected, press Ctrl+C (⌘C) to copy it.');
}

/** Whether the text reached the clipboard: through the clipboard API (https and localhost only), else the browser's copy of the selection. */
async function copiedTo(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (refused) {
    return document.execCommand('copy');
  }
}

async function showPage(list, more, outcome, refresh, after) {
  try {
    const page = (await api.call('GET', '/admin/tokens', { query: { limit: PAGE, after } })).body;
    for (const token of page.items) {
      list.appendChild(item(token, outcome, refresh));
    }
    fill(more, page.next ? button('More tokens', () => showPage(list, more, outcome, refresh, page.next), { id: 'more-tokens' }) : null);
  } catch (e) {
    fill(more, problemBox(e));
  }
}

function item(token, outcome, refresh) {
  return el('li', { class: 'panel token', 'data-token': token.name, 'data-status': token.status },
    el('div', { class: 'token-head' }, el('strong', { class: 'token-name' }, token.name), ' ',
      el('span', { class: 'badge', 'data-field': 'role' }, token.role), ' ',
      el('span', { class: 'badge token-' + token.status, 'data-field': 'status' }, STATUS[token.status] || token.status)),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Created'), el('dd', {}, time(token.createdAt)),
      el('dt', {}, 'Expires'), el('dd', {}, token.expiresAt ? time(token.expiresAt) : 'never'),
      el('dt', {}, 'Last used'), el('dd', {}, token.lastUsedAt ? time(token.lastUsedAt) : 'never'),
      el('dt', {}, 'Revoked'), el('dd', { 'data-field': 'revokedAt' }, token.revokedAt ? time(token.revokedAt) : 'no')),
    token.status === 'revoked' ? null
      : el('div', { class: 'buttons' }, button('Revoke ' + token.name + '…', () => previewRevoke(token.name, outcome, refresh),
        { 'data-action': 'revoke' })));
}

/** The API's dry run of the revocation first (it refuses the last working admin token), then a confirmation. */
async function previewRevoke(name, outcome, refresh) {
  try {
    const dry = (await api.call('DELETE', '/admin/tokens/' + encodeURIComponent(name), { query: { dryRun: true } })).body;
    fill(outcome, el('div', { class: 'panel preview', 'data-preview': 'ready' },
      el('h2', {}, 'Revoke ' + name + '?'),
      el('p', {}, 'Every request with this ' + dry.token.role + ' token will be refused, by every instance of the service '
        + 'within a second. This cannot be undone: create a new token (with another name) instead.'),
      el('div', { class: 'buttons' },
        button('Confirm: revoke ' + name, () => revoke(name, outcome, refresh), { id: 'confirm-revoke', class: 'primary' }),
        button('Cancel', () => fill(outcome), { id: 'cancel' }))));
  } catch (e) {
    fill(outcome, el('div', { class: 'panel preview', 'data-preview': 'refused' }, el('h2', {}, 'Revoke ' + name), problemBox(e),
      button('Close', () => fill(outcome), { id: 'cancel' })));
  }
  focusHeading(outcome);
}

async function revoke(name, outcome, refresh) {
  try {
    await api.call('DELETE', '/admin/tokens/' + encodeURIComponent(name));
    fill(outcome, el('p', { class: 'note', role: 'status', 'data-result': 'revoked' }, 'Token ' + name + ' is revoked.'));
    await refresh();
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}
