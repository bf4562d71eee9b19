/**
 * The one "load more" of the portal: a table filled a page at a time over the API's `nextLink`.
 * A first page replaces the rows and cancels any request still in flight (a newer search, another
 * customer, other dates); "Load more" appends the next page. The status line says what is shown.
 */
import { api, describeError } from './api.js';

/**
 * @typedef {object} PagedListOptions
 * @property {HTMLElement} table the table whose `tbody` holds the rows (hidden while empty)
 * @property {HTMLElement} status the status line
 * @property {HTMLElement} more the "Load more" button (hidden on the last page)
 * @property {(item: any) => Node[]} rows the table rows of one item of `value`
 * @property {(loaded: number, hasMore: boolean) => string | Array<Node | string>} summary the status once a page is shown
 * @property {{ first: string, next: string, failed: (reason: string) => string }} messages while loading, and the whole sentence of a failure (given the reason)
 * @property {() => void} [afterPage] called once a page is shown
 */

/**
 * @typedef {object} PagedList
 * @property {(path: string) => Promise<void>} loadFirst loads page one of `path`, replacing the rows
 * @property {() => Promise<void>} loadNext loads the next page, if there is one and none is loading
 * @property {() => void} clear cancels any request and empties the table
 * @property {() => boolean} hasMore whether a next page exists
 * @property {() => boolean} isLoading whether a page is being loaded
 */

/** @param {PagedListOptions} options @returns {PagedList} */
export function pagedList(options) {
  const { table, status, more } = options;
  const tbody = /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody'));
  /** @type {string | null} */
  let nextLink = null;
  let loaded = 0;
  /** @type {AbortController | null} */
  let inFlight = null;

  /** @param {string} path @param {boolean} first */
  async function load(path, first) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    table.setAttribute('aria-busy', 'true');
    status.textContent = first ? options.messages.first : options.messages.next;
    try {
      const page = await api(path, { signal: controller.signal });
      if (controller.signal.aborted) return;
      /** @type {Array<any>} */
      const items = page.body.value;
      const fragment = document.createDocumentFragment();
      for (const item of items) fragment.append(...options.rows(item));
      if (first) tbody.replaceChildren(fragment);
      else tbody.append(fragment);
      loaded = (first ? 0 : loaded) + items.length;
      nextLink = page.body.nextLink ?? null;
      more.hidden = !nextLink;
      table.hidden = loaded === 0;
      const summary = options.summary(loaded, nextLink !== null);
      if (typeof summary === 'string') status.textContent = summary;
      else status.replaceChildren(...summary);
      options.afterPage?.();
    } catch (error) {
      if (controller.signal.aborted) return;
      status.textContent = options.messages.failed(describeError(error));
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        table.removeAttribute('aria-busy');
      }
    }
  }

  return {
    loadFirst: (path) => load(path, true),
    loadNext: async () => {
      if (nextLink && !inFlight) await load(nextLink, false);
    },
    clear() {
      inFlight?.abort();
      inFlight = null;
      table.removeAttribute('aria-busy');
      tbody.replaceChildren();
      nextLink = null;
      loaded = 0;
      more.hidden = true;
    },
    hasMore: () => nextLink !== null,
    isLoading: () => inFlight !== null,
  };
}
