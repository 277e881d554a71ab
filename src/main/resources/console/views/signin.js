import { el, field, fill } from '../dom.js';
import { Problem } from '../api.js';
import { problemBox } from '../problems.js';

export function signInView(view, session) {
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const outcome = el('div', { id: 'sign-in-outcome', 'aria-live': 'polite' },
    session.signOutMessage ? el('p', { class: 'note' }, session.signOutMessage) : null);
  const form = el('form', { id: 'sign-in', class: 'panel' },
    field('API token', input, 'A token of role read, write or admin (for example from custodian-data/admin-token, '
      + 'or "custodian token create"). It is kept for this tab only and sent only to this service.'),
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await session.signIn(input.value.trim());
    } catch (e) {
      fill(outcome, e instanceof Problem && e.status === 401
        ? el('p', { class: 'problem', role: 'alert' }, 'The service does not accept this token: ' + e.message)
        : problemBox(e));
      input.select();
    }
  });
  fill(view, el('h1', {}, 'Sign in'),
    el('p', {}, 'The console shows what changed and who changed it, and undoes it, with the same API and roles as any client.'),
    form, outcome);
}
