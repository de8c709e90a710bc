import type { Permission } from '@wangge/shared';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages.ts';

/** The menu groups pages can sit in, in the order the menu shows them. */
export const MENU_GROUPS = ['cases', 'notify', 'admin', 'audit'] as const;
export type MenuGroupKey = (typeof MENU_GROUPS)[number];

/** A page of a module: its address, who may open it and, if it has one, its menu entry. */
export interface PageDecl {
  path: string;
  /** The page; absent for a menu entry that leaves the app (`external`). */
  element?: ReactNode;
  /** Opened by anyone holding one of these; absent: by every signed-in user. */
  permissions?: Permission[];
  /** The citizens' pages: no sign-in, no staff layout. */
  public?: boolean;
  menu?: {
    label: MessageKey;
    icon: ReactNode;
    group?: MenuGroupKey;
    /** Who sees the entry, if not the same people who may open the page. */
    permissions?: Permission[];
    /** Opens in a new tab outside the app (the API docs). */
    external?: boolean;
  };
}

/** A web module declares its pages once: the routes, the menu and the guards all come from here. */
export interface WebModule {
  name: string;
  pages: PageDecl[];
}

export const defineWebModule = (m: WebModule): WebModule => m;
