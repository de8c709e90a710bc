import type { Permission } from '@wangge/shared';
import { AuditOutlined, BellOutlined, ProfileOutlined, SettingOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages.ts';
import { MENU_GROUPS, type MenuGroupKey, type WebModule } from './modules.ts';

export interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown when the user holds any one of these (none: to everyone signed in). */
  permissions: Permission[];
  external?: boolean;
}

export interface MenuGroup {
  key: string;
  label: MessageKey;
  icon: ReactNode;
  children: MenuEntry[];
}

const GROUP_LOOK: Record<MenuGroupKey, { label: MessageKey; icon: ReactNode }> = {
  cases: { label: 'menu.cases', icon: <ProfileOutlined /> },
  notify: { label: 'menu.notify', icon: <BellOutlined /> },
  admin: { label: 'menu.admin', icon: <SettingOutlined /> },
  audit: { label: 'menu.audit', icon: <AuditOutlined /> },
};

/**
 * The whole menu, from the modules' page declarations: top-level entries first in module order,
 * then the groups in their fixed order. Each user sees the entries their permissions allow.
 */
export function buildMenu(modules: WebModule[]): (MenuEntry | MenuGroup)[] {
  const top: MenuEntry[] = [];
  const groups = new Map<MenuGroupKey, MenuEntry[]>();
  for (const page of modules.flatMap((m) => m.pages)) {
    if (!page.menu) continue;
    const entry: MenuEntry = {
      path: page.path,
      label: page.menu.label,
      icon: page.menu.icon,
      permissions: page.menu.permissions ?? page.permissions ?? [],
      ...(page.menu.external ? { external: true } : {}),
    };
    if (page.menu.group) groups.set(page.menu.group, [...(groups.get(page.menu.group) ?? []), entry]);
    else top.push(entry);
  }
  return [
    ...top,
    ...MENU_GROUPS.filter((g) => groups.has(g)).map((g) => ({
      key: g,
      ...GROUP_LOOK[g],
      children: groups.get(g)!,
    })),
  ];
}

const entries = (menu: (MenuEntry | MenuGroup)[]) =>
  menu.flatMap((item) => ('children' in item ? item.children : [item]));

/** The keys of the groups (open by default). */
export const groupKeys = (menu: (MenuEntry | MenuGroup)[]) =>
  menu.flatMap((item) => ('children' in item ? [item.key] : []));

/** The menu entry a page belongs to: the longest entry path the address starts with. */
export function selectedMenuKey(menu: (MenuEntry | MenuGroup)[], pathname: string): string {
  const paths = entries(menu)
    .filter((e) => !e.external)
    .map((e) => e.path);
  if (paths.includes(pathname)) return pathname;
  const within = paths.filter((p) => p !== '/' && pathname.startsWith(`${p}/`));
  return within.sort((a, b) => b.length - a.length)[0] ?? pathname;
}

export function visibleMenu(
  menu: (MenuEntry | MenuGroup)[],
  can: (...p: Permission[]) => boolean,
): (MenuEntry | MenuGroup)[] {
  const allowed = (e: MenuEntry) => e.permissions.length === 0 || can(...e.permissions);
  const out: (MenuEntry | MenuGroup)[] = [];
  for (const item of menu) {
    if ('children' in item) {
      const children = item.children.filter(allowed);
      if (children.length) out.push({ ...item, children });
    } else if (allowed(item)) {
      out.push(item);
    }
  }
  return out;
}
