// A user: the current document as a tree, its history as a timeline with diffs, any past
// version, two versions compared, and (write role) undo one change or revert to a version,
// each previewed with the API's own dry run before it is done.

import { button, el, field, fill, focusHeading, time } from '../dom.js';
import * as api from '../api.js';
import { compare, legend, renderChanges, valueAt } from '../diff.js';
import { renderEntry } from '../history.js';
import { problemBox } from '../problems.js';
import { renderTree } from '../tree.js';

const PAGE = 20;

export async function userView(view, session, id) {
  const summary = el('section', { id: 'user-summary', 'aria-labelledby': 'user-name' });
  const preview = el('section', { id: 'preview', 'aria-live': 'polite' });
  const timeline = el('ol', { id: 'timeline', class: 'timeline', reversed: true });
  const older = el('div', { id: 'older' });
  fill(view, summary, preview,
    el('section', { 'aria-labelledby': 'history-title' },
      el('h2', { id: 'history-title' }, 'History'),
      el('p', { class: 'muted' }, 'Newest first. ', legend()),
      timeline, older),
    compareSection(id));
  const actions = new Actions(session, id, preview, () => refresh());

  async function refresh() {
    actions.erased = await showSummary(summary, id);
    fill(timeline);
    await showHistory(timeline, older, id, actions, 0);
  }
  await refresh();
}

/** One past version, read through GET /users/{id}?version=N. */
export async function versionView(view, session, id, version) {
  const preview = el('section', { id: 'preview', 'aria-live': 'polite' });
  try {
    const past = (await api.call('GET', '/users/' + id, { query: { version } })).body;
    const actions = new Actions(session, id, preview, async () => {});
    fill(view,
      el('h1', { id: 'user-name' }, past.name),
      el('p', { class: 'banner', role: 'note' }, 'Version ' + version + ' of user ' + id + ', as it was at ', time(past.updatedAt), '. ',
        el('a', { href: '#/users/' + id }, 'Back to the current version')),
      userFacts(past),
      session.can('write') ? el('p', {}, button('Revert to version ' + version + '…', () => actions.preview({ toVersion: version }),
        { 'data-action': 'revert', 'data-version': version })) : null,
      preview,
      el('h2', {}, 'Document at version ' + version),
      renderTree(past.data));
  } catch (e) {
    fill(view, el('h1', {}, 'User ' + id + ', version ' + version), problemBox(e),
      el('p', {}, el('a', { href: '#/users/' + id }, 'Back to user ' + id)));
  }
}

function userFacts(user) {
  return el('dl', { class: 'facts' },
    el('dt', {}, 'Id'), el('dd', { 'data-field': 'id' }, String(user.id)),
    el('dt', {}, 'Email'), el('dd', { 'data-field': 'email' }, user.email),
    el('dt', {}, 'Version'), el('dd', { 'data-field': 'version' }, String(user.version)),
    el('dt', {}, 'Updated'), el('dd', {}, time(user.updatedAt)));
}

/** Shows the user, or why there is none; resolves to whether the user was erased. */
async function showSummary(summary, id) {
  try {
    const user = (await api.call('GET', '/users/' + id)).body;
    fill(summary, el('h1', { id: 'user-name' }, user.name), userFacts(user),
      el('h2', {}, 'Document'), renderTree(user.data));
    return false;
  } catch (e) {
    const erased = e.status === 410 && e.type === '/problems/erased';
    fill(summary, el('h1', { id: 'user-name' }, 'User ' + id), erased
      ? el('p', { class: 'note', role: 'status', id: 'erased' }, 'User ' + id + ' was erased at ', time(e.body.erasedAt),
        '. Its values are gone for good: the history below says what changed, when and by whom, not to what, '
        + 'and nothing brings a version of it back.')
      : e.status === 404
        ? el('p', { class: 'note', role: 'status' }, 'User ' + id + ' has no current row (deleted, or never created). '
          + 'Its history, if any, is below, and a version of it can be brought back.')
        : problemBox(e));
    return erased;
  }
}

async function showHistory(timeline, older, id, actions, before) {
  try {
    const page = (await api.call('GET', '/users/' + id + '/history', { query: { limit: PAGE, before: before || undefined } })).body;
    const newest = timeline.children.length === 0 && page.items.length ? page.items[0].version : null;
    for (const entry of page.items) {
      timeline.appendChild(renderEntry(entry, { actions: actions.forEntry(entry, newest) }));
    }
    fill(older, page.next ? button('Older changes', () => showHistory(timeline, older, id, actions, page.next), { id: 'older-changes' }) : null);
  } catch (e) {
    fill(older, problemBox(e));
  }
}

function compareSection(id) {
  const from = el('input', { id: 'compare-from', type: 'number', min: 1, required: true, inputmode: 'numeric' });
  const to = el('input', { id: 'compare-to', type: 'number', min: 1, required: true, inputmode: 'numeric' });
  const outcome = el('div', { id: 'compare-outcome', 'aria-live': 'polite' });
  const form = el('form', { id: 'compare', class: 'panel inline' },
    field('From version', from), field('To version', to), el('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const [a, b] = await Promise.all([from.value, to.value].map((v) => api.call('GET', '/users/' + id, { query: { version: v } })));
      const before = stateOf(a.body);
      fill(outcome, el('h3', {}, 'From version ' + from.value + ' to version ' + to.value),
        renderChanges(compare(before, stateOf(b.body)), (path) => valueAt(before, path)));
    } catch (e) {
      fill(outcome, problemBox(e));
    }
  });
  return el('section', { 'aria-labelledby': 'compare-title' }, el('h2', { id: 'compare-title' }, 'Compare two versions'), form, outcome);
}

/** The part of a representation that history records: name, email, data. */
function stateOf(user) {
  return { name: user.name, email: user.email, data: user.data };
}

/** Undo and revert of one user: a preview (the API's dry run), then the change, confirmed. */
class Actions {
  constructor(session, id, region, afterChange) {
    this.session = session;
    this.id = id;
    this.region = region;
    this.afterChange = afterChange;
    // Set once the user is known to be erased: every version, undo and revert of it answers 410.
    this.erased = false;
  }

  forEntry(entry, newest) {
    if (this.erased || entry.op === 'erase') {
      return [];
    }
    const open = el('a', { href: '#/users/' + this.id + '/versions/' + entry.version, 'data-action': 'open' }, 'Open version ' + entry.version);
    if (!this.session.can('write')) {
      return [open];
    }
    return [open,
      button('Undo this change…', () => this.preview({ undoVersion: entry.version }), { 'data-action': 'undo' }),
      entry.version === newest ? null
        : button('Revert to version ' + entry.version + '…', () => this.preview({ toVersion: entry.version }), { 'data-action': 'revert' })];
  }

  async preview(body) {
    const what = body.undoVersion ? 'Undo change ' + body.undoVersion : 'Revert to version ' + body.toVersion;
    try {
      const dry = (await api.call('POST', '/users/' + this.id + '/revert', { query: { dryRun: true }, body })).body;
      const expected = dry.before ? dry.before.version : null;
      fill(this.region, el('div', { class: 'panel preview', 'data-preview': 'ready' },
        el('h2', {}, 'Preview: ' + what),
        el('p', {}, dry.changes.length
          ? 'This is what will change on user ' + this.id + (expected ? ' (now at version ' + expected + ')' : '') + ':'
          : 'Nothing would change: the user already is in that state.'),
        renderChanges(dry.changes, (path) => valueAt(dry.before, path)),
        el('div', { class: 'buttons' },
          button('Confirm: ' + what.toLowerCase(), () => this.apply(body, expected, what), { id: 'confirm', class: 'primary' }),
          button('Cancel', () => fill(this.region), { id: 'cancel' }))));
    } catch (e) {
      fill(this.region, el('div', { class: 'panel preview', 'data-preview': 'refused' },
        el('h2', {}, 'Preview: ' + what), problemBox(e), button('Close', () => fill(this.region), { id: 'cancel' })));
    }
    focusHeading(this.region);
  }

  async apply(body, expected, what) {
    // If-Match: the change is made only on the version the preview was computed from.
    const headers = expected ? { 'If-Match': '"' + expected + '"' } : {};
    try {
      const done = await api.call('POST', '/users/' + this.id + '/revert', { body, headers });
      const version = done.body ? done.body.version : null;
      await this.afterChange();
      fill(this.region, el('div', { class: 'panel result', role: 'status', 'data-result': 'done' },
        el('h2', {}, 'Done: ' + what.toLowerCase()),
        version ? el('p', {}, 'User ' + this.id + ' is now at version ', el('strong', { 'data-new-version': version }, String(version)), '. ',
          el('a', { href: '#/users/' + this.id + '/versions/' + version }, 'Open version ' + version))
          : el('p', {}, 'User ' + this.id + ' has no current row now (the version it returned to is deleted).')));
    } catch (e) {
      fill(this.region, el('div', { class: 'panel preview', 'data-preview': 'refused' }, el('h2', {}, what), problemBox(e),
        e.status === 412 ? el('p', {}, 'The user changed after the preview. Preview again to see what would change now.') : null,
        button('Close', () => fill(this.region), { id: 'cancel' })));
    }
    focusHeading(this.region);
  }
}
