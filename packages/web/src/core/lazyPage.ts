import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A page loaded when it is first shown: `lazyPage(() => import('./UsersPage.tsx'), 'UsersPage')`.
 * Each page is its own chunk, so the login and the citizens' pages never download the staff
 * pages (nor the parts of Ant Design and MapLibre only those use). `App.tsx` shows a spinner
 * while a page loads.
 */
export function lazyPage<K extends string, P extends object>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
