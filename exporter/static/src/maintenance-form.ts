/**
 * The internal page's "start maintenance now" form (issue 19): components, minutes, a title;
 * POST /api/v1/maintenance, the server's 400 shown as is. Its own module, so the page keeps one call.
 */
import { postJson } from './api.js';
import { h } from './dom.js';
import { maintenanceBody } from './maintenance.js';
import { componentPicker } from './picker.js';

export function maintenanceForm(components: readonly string[]): HTMLElement {
  const msg = h('span', { class: 'msg', role: 'status' });
  const title = h('input', { name: 'title', maxlength: 200, placeholder: 'What work? (optional)', 'aria-label': 'Title' });
  const minutes = h('input', { name: 'minutes', type: 'number', min: 1, max: 1440, value: 30, required: true, 'aria-label': 'Minutes' });
  const picker = componentPicker(components, 'Components under maintenance');
  const form = h('form', { class: 'card create' },
    h('h3', {}, 'Start maintenance now'), title,
    picker.el,
    h('div', { class: 'row' }, minutes, h('span', {}, 'minutes'), h('button', { type: 'submit' }, 'Start'), msg));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    msg.textContent = '';
    postJson<{ id: string; endsAt: string }>('api/v1/maintenance', maintenanceBody(picker.chosen(), Number(minutes.value), title.value))
      .then((w) => { form.reset(); picker.clear(); msg.textContent = `${w.id} until ${w.endsAt.slice(11, 16)} UTC`; }, (err: Error) => { msg.textContent = err.message; });
  });
  return form;
}
