/**
 * A component chooser for the page's forms (manual incident, maintenance window): up to
 * FORM_ALL_BOXES components it lists a box for each; above (the page runs at 10,000) it lists
 * the matches of what is typed, chosen ones kept on top.
 */
import { h, replace } from './dom.js';

const FORM_ALL_BOXES = 60;

export interface Picker {
  readonly el: HTMLElement;
  readonly chosen: () => string[];
  readonly clear: () => void;
}

export function componentPicker(names: readonly string[], legend: string): Picker {
  const all = [...names].sort();
  const chosen = new Set<string>();
  const box = (name: string) => {
    const input = h('input', { type: 'checkbox', name: 'components', value: name, checked: chosen.has(name) });
    input.addEventListener('change', () => { if (input.checked) chosen.add(name); else chosen.delete(name); });
    return h('label', { class: 'check' }, input, name);
  };
  const boxes = h('div', { class: 'boxes' });
  const find = h('input', { type: 'search', placeholder: `Find among ${all.length.toLocaleString('en-US')} components`, 'aria-label': 'Find components to add' });
  const list = () => {
    const q = find.value.trim().toLowerCase();
    const matches = all.length <= FORM_ALL_BOXES ? all : all.filter((n) => q && n.includes(q)).slice(0, FORM_ALL_BOXES);
    replace(boxes, ...[...new Set([...[...chosen].sort(), ...matches])].map(box));
  };
  find.addEventListener('input', list);
  list();
  return {
    el: h('fieldset', {}, h('legend', {}, legend), all.length > FORM_ALL_BOXES ? find : null, boxes),
    chosen: () => [...chosen],
    clear: () => { chosen.clear(); find.value = ''; list(); },
  };
}
