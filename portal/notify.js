/**
 * Notifications that the user cannot miss: a region fixed to the viewport (the top right on a
 * desktop, the bottom edge on a phone), announced to screen readers, above whatever view is open.
 */
import { byId, el } from './dom.js';
import { t } from './i18n.js';

/**
 * Shows (or replaces) the notification with this key.
 * @param {string} key one notification per key, e.g. an export id
 * @param {{ text: string, tone?: 'success' | 'error' | 'info', action?: HTMLElement | null }} content
 */
export function notify(key, content) {
  const region = byId('notifications');
  const existing = region.querySelector(`[data-key="${CSS.escape(key)}"]`);
  const dismiss = el('button', { type: 'button', class: 'link-button notification-dismiss' }, t('exports.dismiss'));
  const item = el(
    'div',
    { class: `notification notification-${content.tone ?? 'info'}`, 'data-key': key },
    el('p', { class: 'notification-text', text: content.text }),
    el('div', { class: 'notification-actions' }, content.action ?? null, dismiss),
  );
  dismiss.addEventListener('click', () => item.remove());
  if (existing) existing.replaceWith(item);
  else region.append(item);
  return item;
}
