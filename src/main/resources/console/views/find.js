import { button, el, field, fill } from '../dom.js';
import * as api from '../api.js';
import { problemBox } from '../problems.js';

const PAGE = 20;

/** Find a user by id or email, or browse every user in id order. */
export async function findView(view, session) {
  const query = el('input', { id: 'find-query', name: 'q', type: 'search', autocomplete: 'off', required: true });
  const outcome = el('div', { id: 'find-outcome', 'aria-live': 'polite' });
  const form = el('form', { id: 'find', class: 'panel', role: 'search' },
    field('User id or email', query, 'The API finds users by id or by exact email; it has no search by name, so browse the list below for a name.'),
    el('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(outcome);
    try {
      const id = await find(query.value.trim());
      if (id === null) {
        fill(outcome, el('p', { class: 'note', role: 'status' }, 'No user with the email ' + query.value.trim() + '.'));
      } else {
        session.go('#/users/' + id);
      }
    } catch (e) {
      fill(outcome, problemBox(e));
    }
  });
  const list = el('ul', { id: 'user-list', class: 'users' });
  const more = el('div', {});
  fill(view, el('h1', {}, 'Find a user'), form, outcome, el('h2', {}, 'All users'), list, more);
  await browse(list, more, 0);
}

async function find(text) {
  if (/^\d+$/.test(text)) {
    const found = await api.call('GET', '/users/' + text);
    return found.body.id;
  }
  if (!text.includes('@')) {
    throw new Error('Type a user id (a number) or an email address.');
  }
  const page = await api.call('GET', '/users', { query: { email: text, limit: 1 } });
  return page.body.items.length ? page.body.items[0].id : null;
}

async function browse(list, more, after) {
  try {
    const page = await api.call('GET', '/users', { query: { limit: PAGE, after: after || undefined } });
    for (const user of page.body.items) {
      list.appendChild(el('li', { 'data-user': user.id },
        el('a', { href: '#/users/' + user.id }, user.name), ' ',
        el('span', { class: 'muted' }, user.email + ' · id ' + user.id + ' · v' + user.version)));
    }
    fill(more, page.body.next
      ? button('More users', () => browse(list, more, page.body.next), { id: 'more-users' })
      : el('p', { class: 'muted' }, list.children.length ? 'That is every user.' : 'No users yet.'));
  } catch (e) {
    fill(more, problemBox(e));
  }
}
