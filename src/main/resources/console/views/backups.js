// Backups: list, create, verify (with the report of each check), and restore all users or one,
// previewed first; the restore report carries the rollback that undoes it.

import { button, el, field, fill, focusHeading, time } from '../dom.js';
import * as api from '../api.js';
import { problemBox } from '../problems.js';
import { openRollback } from './rollback.js';

export async function backupsView(view, session) {
  const list = el('ul', { id: 'backups', class: 'backups' });
  const outcome = el('section', { id: 'backup-outcome', 'aria-live': 'polite' });
  const refresh = () => showList(session, list, outcome);
  fill(view, el('h1', {}, 'Backups'),
    el('p', { class: 'muted' }, 'Users and their history, checksummed. Verify restores a backup into a scratch schema and compares.'),
    el('div', { class: 'buttons' }, button('Create a backup', () => create(outcome, refresh), { id: 'create-backup', class: 'primary' })),
    outcome, el('h2', {}, 'Kept backups'), list);
  await refresh();
}

async function showList(session, list, outcome) {
  try {
    const page = (await api.call('GET', '/admin/backups', { query: { limit: 100 } })).body;
    fill(list, page.items.length === 0 ? el('li', { class: 'muted' }, 'No backup yet.') : page.items.map((b) => item(session, b, outcome)));
  } catch (e) {
    fill(list, el('li', {}, problemBox(e)));
  }
}

function item(session, backup, outcome) {
  const userId = el('input', { id: 'restore-user-' + backup.id, type: 'number', min: 1, inputmode: 'numeric' });
  return el('li', { class: 'panel backup', 'data-backup': backup.id },
    el('div', { class: 'backup-head' }, el('strong', {}, backup.id), ' ', el('span', { class: 'badge' }, backup.kind || 'backup')),
    el('p', { class: 'muted' }, time(backup.createdAt), ' · ' + backup.users + ' users · ' + backup.changes + ' changes'
      + (backup.sha256 ? ' · sha256 ' + backup.sha256.slice(0, 12) + '…' : '')),
    el('div', { class: 'buttons' },
      button('Verify', () => verify(backup.id, outcome), { 'data-action': 'verify' }),
      button('Preview restore of all users…', () => previewRestore(session, backup.id, {}, outcome), { 'data-action': 'restore-all' })),
    el('div', { class: 'inline' }, field('One user', userId),
      button('Preview restore of this user…', () => previewRestore(session, backup.id, userId.value ? { userId: Number(userId.value) } : {}, outcome),
        { 'data-action': 'restore-user' })));
}

async function create(outcome, refresh) {
  try {
    const made = (await api.call('POST', '/admin/backups')).body;
    fill(outcome, el('div', { class: 'panel result', role: 'status', 'data-result': 'created' },
      el('h2', {}, 'Backup created'), el('p', {}, el('code', {}, made.id), ': ' + made.users + ' users, ' + made.changes + ' changes.')));
    await refresh();
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}

async function verify(id, outcome) {
  fill(outcome, el('p', { role: 'status' }, 'Verifying ' + id + '…'));
  try {
    const report = (await api.call('POST', '/admin/backups/' + id + '/verify')).body;
    fill(outcome, el('div', { class: 'panel result', 'data-result': report.ok ? 'verified' : 'invalid' },
      el('h2', {}, (report.ok ? '✓ Verified: ' : '✗ Not valid: ') + id), checks(report.checks)));
  } catch (e) {
    fill(outcome, el('div', { class: 'panel result', 'data-result': 'invalid' }, el('h2', {}, '✗ Not valid: ' + id),
      problemBox(e), e.body && e.body.checks ? checks(e.body.checks) : null));
  }
  focusHeading(outcome);
}

function checks(list) {
  return el('ul', { class: 'checks', id: 'verify-checks' }, (list || []).map((c) => el('li', { class: c.ok ? 'check-ok' : 'check-failed' },
    c.ok ? '✓ ' : '✗ ', el('strong', {}, c.name), c.detail ? ': ' + c.detail : '')));
}

async function previewRestore(session, id, body, outcome) {
  try {
    const report = (await api.finished(await api.call('POST', '/admin/backups/' + id + '/restore', { body: { ...body, dryRun: true } }))).body;
    fill(outcome, el('div', { class: 'panel preview', 'data-preview': 'ready' },
      el('h2', {}, 'Preview: restore ' + (body.userId ? 'user ' + body.userId + ' from ' : 'from ') + id),
      restoreFacts(report),
      el('div', { class: 'buttons' },
        button('Restore', () => restore(session, id, body, outcome), { id: 'confirm-restore', class: 'primary', disabled: changed(report) === 0 }),
        button('Cancel', () => fill(outcome), { id: 'cancel' }))));
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}

async function restore(session, id, body, outcome) {
  try {
    const report = (await api.finished(await api.call('POST', '/admin/backups/' + id + '/restore', { body }))).body;
    fill(outcome, el('div', { class: 'panel result', role: 'status', 'data-result': 'restored' },
      el('h2', {}, 'Restored from ' + id), restoreFacts(report),
      el('p', {}, 'The state it replaced is in the safety backup ', el('code', {}, report.safetyBackupId || '(none)'), '.'),
      report.rollback ? button('Undo this restore…', () => openRollback(session, report.rollback, changed(report)), { id: 'undo-restore' }) : null));
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}

function changed(report) {
  return report.restored + report.created + report.softDeleted;
}

function restoreFacts(r) {
  const ids = (set) => set.count === 0 ? 'none' : set.count + ': ' + set.ids.join(', ') + (set.count > set.ids.length ? ', …' : '');
  return el('dl', { class: 'facts', id: 'restore-report', 'data-dry-run': String(r.dryRun) },
    el('dt', {}, 'Restored'), el('dd', { 'data-field': 'restored' }, String(r.restored)),
    el('dt', {}, 'Created again'), el('dd', { 'data-field': 'created' }, String(r.created)),
    el('dt', {}, 'Soft-deleted'), el('dd', { 'data-field': 'softDeleted' }, String(r.softDeleted)),
    el('dt', {}, 'Unchanged'), el('dd', {}, String(r.unchanged)),
    el('dt', {}, 'Returned: damaged'), el('dd', { 'data-field': 'returned-damaged' }, ids(r.returned.damaged)),
    el('dt', {}, 'Returned: written'), el('dd', {}, ids(r.returned.written)),
    el('dt', {}, 'Returned: conflict'), el('dd', {}, ids(r.returned.conflict)),
    el('dt', {}, 'Kept as they are'), el('dd', { 'data-field': 'kept' },
      ['damaged', 'written', 'conflict'].map((k) => k + ' ' + ids(r.kept[k])).join('; ')));
}
