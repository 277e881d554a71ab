// Building the page. Every value is added as a text node (or textContent): the console never
// parses data as HTML, so a user named "<img src=x onerror=alert(1)>" is shown as those
// characters. There is no innerHTML anywhere in the console.

/**
 * A new element. attributes: plain attributes (set with setAttribute), except "class" and
 * "on" (an object of event listeners). children: nodes, strings (text), numbers, null (skipped)
 * or arrays of those.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'on') {
      for (const [event, listener] of Object.entries(value)) {
        node.addEventListener(event, listener);
      }
    } else if (name === 'class') {
      node.className = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces the children of node with the given ones. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A labelled form field: a label and its control, linked by id. */
export function field(label, control, hint) {
  const hintNode = hint ? el('span', { class: 'hint', id: control.id + '-hint' }, hint) : null;
  if (hintNode) {
    control.setAttribute('aria-describedby', hintNode.id);
  }
  return el('div', { class: 'field' }, el('label', { for: control.id }, label), control, hintNode);
}

/** A button that runs action on click. */
export function button(label, action, attributes = {}) {
  return el('button', { type: 'button', ...attributes, on: { click: action } }, label);
}

/** A time as the API gives it (RFC 3339, UTC, microseconds), shortened for reading; the full value in the title. */
export function time(iso) {
  if (!iso) {
    return el('span', {}, '—');
  }
  const shown = iso.replace('T', ' ').replace(/\.(\d{3})\d*Z$/, '.$1 UTC');
  return el('time', { datetime: iso, title: iso }, shown);
}

/** A JSON value as one line of JSON text: strings keep their quotes, so "1" and 1 differ. */
export function json(value) {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** Moves keyboard focus to the first heading of a region, so the change is announced and reachable. */
export function focusHeading(region) {
  const heading = region.querySelector('h1, h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}
